using System.Net;
using System.Text;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Safety;

/// <summary>Found by the fuzzer: a JSON body declared in another charset was a 500.</summary>
public sealed class JsonCharsetTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_json_body_in_another_charset_gets_415_not_500()
    {
        var alice = await NewChatterAsync("alice");
        using var content = new StringContent("{\"memberIds\":[]}", Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=utf-7");

        using var response = await alice.Http.PostAsync(new Uri("/api/v1/chats", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("PUT", "/api/v1/me/webhook", "{\"url\":\"https://hooks.example/x\"}")]
    [InlineData("PUT", "/api/v1/me/status", "{\"text\":\"hi\"}")]
    [InlineData("POST", "/api/v1/me/push-subscriptions", "{}")]
    [InlineData("PATCH", "/api/v1/me/webhook", "{}")]
    [InlineData("GET", "/api/v1/chats/not-an-id", "{}")]
    public async Task A_utf7_json_body_gets_415_and_changes_nothing(string method, string path, string body)
    {
        var alice = await NewChatterAsync("alice");
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=utf-7");

        using var response = await alice.Http.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{response.StatusCode}: {Server.Log}");
        await alice.GetRawAsync("/api/v1/me/webhook").ProblemAsync(404);
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/xml")]
    public async Task A_json_body_in_another_charset_gets_415_whatever_the_client_accepts(string accept)
    {
        var alice = await NewChatterAsync("alice");
        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        foreach (var client in new[] { alice.Http, anonymous })
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/api/v1/me/webhook", UriKind.Relative))
            {
                Content = new StringContent("{\"url\":\"https://hooks.example/x\"}", Encoding.UTF8),
            };
            request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/json; charset=utf-7");
            request.Headers.TryAddWithoutValidation("Accept", accept);

            using var response = await client.SendAsync(request);

            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{response.StatusCode} with Accept: {accept}");
        }

        await alice.GetRawAsync("/api/v1/me/webhook").ProblemAsync(404);
    }
}
