using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace PetitChat.Server.Tests.Web;

public sealed class WebClientTests(WebClientServer server) : IClassFixture<WebClientServer>, IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = server.BaseAddress };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Config_names_the_embedded_issuer_and_the_web_client()
    {
        var config = await _http.GetFromJsonAsync<JsonElement>("/config.json");

        Assert.Equal(server.BaseAddress.AbsoluteUri.TrimEnd('/'), config.GetProperty("authority").GetString());
        Assert.Equal("petitchat-web", config.GetProperty("clientId").GetString());
        Assert.Contains("openid", config.GetProperty("scope").GetString()!.Split(' '));
        Assert.True(config.GetProperty("embedded").GetBoolean());

        // The authority is one the app can discover from.
        var discovery = await _http.GetFromJsonAsync<JsonElement>(config.GetProperty("authority").GetString() + "/.well-known/openid-configuration");
        Assert.Equal(server.BaseAddress.AbsoluteUri, discovery.GetProperty("issuer").GetString());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/callback?code=x&state=y")]
    [InlineData("/some/deep/link")]
    public async Task App_paths_get_index_html_without_a_token(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(WebClientServer.IndexHtml, await response.Content.ReadAsStringAsync());
        Assert.True(response.Headers.CacheControl?.NoCache, "index.html must be revalidated so that a new build is picked up");
    }

    [Fact]
    public async Task Hashed_assets_are_served_as_immutable()
    {
        using var response = await _http.GetAsync(new Uri("/assets/main-abc123.js", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("console.log('hi');", await response.Content.ReadAsStringAsync());
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/connect/nothing-here")]
    [InlineData("/assets/missing-file.js")]
    public async Task Unknown_api_paths_and_missing_files_are_404_not_the_app(string path)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.NotEqual(WebClientServer.IndexHtml, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_method_the_path_does_not_take_is_405_naming_the_methods_it_takes()
    {
        using var response = await _http.DeleteAsync(new Uri("/api/v1/me", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.DoesNotContain("DELETE", response.Content.Headers.Allow);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_body_of_another_type_is_415_naming_the_type_the_call_reads(string contentType)
    {
        using var body = new StringContent("{}", System.Text.Encoding.UTF8, contentType);
        using var response = await _http.PostAsync(new Uri("/api/v1/chats", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("application/json", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(contentType, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_still_wants_a_token()
    {
        using var response = await _http.GetAsync(new Uri("/api/v1/me", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
