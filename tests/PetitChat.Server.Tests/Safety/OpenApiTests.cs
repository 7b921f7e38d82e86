using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Safety;

/// <summary>
/// Every endpoint the running server maps under <c>/api/</c> (read from its endpoint data source,
/// so endpoints added later are checked too) is in the OpenAPI document and in docs/api.md.
/// </summary>
public sealed partial class OpenApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task The_openapi_document_is_version_3_1_with_problem_responses()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };

        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/openapi/v1.json", UriKind.Relative)));

        Assert.StartsWith("3.1", document.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var send = document.RootElement.GetProperty("paths").GetProperty("/api/v1/chats/{chatId}/signals").GetProperty("post");
        Assert.True(send.TryGetProperty("requestBody", out _), "the send has no request body in the document");
        Assert.True(send.GetProperty("responses").TryGetProperty("201", out _));
        Assert.True(send.GetProperty("responses").TryGetProperty("429", out _));
    }

    [Fact]
    public async Task The_interactive_reference_is_served_at_api_docs()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };

        using var response = await http.GetAsync(new Uri("/api/docs", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_api_endpoint_is_in_the_openapi_document_and_in_docs_api_md()
    {
        using var http = new HttpClient { BaseAddress = Server.BaseAddress };
        using var document = JsonDocument.Parse(await http.GetStringAsync(new Uri("/api/openapi/v1.json", UriKind.Relative)));
        var paths = document.RootElement.GetProperty("paths");
        var docs = File.ReadAllLines(Path.Combine(RepoRoot(), "docs", "api.md"));

        var missing = new List<string>();
        foreach (var (method, path) in ApiEndpoints())
        {
            if (!paths.TryGetProperty(path, out var operations) || !operations.TryGetProperty(method.ToLowerInvariant(), out _))
            {
                missing.Add($"{method} {path}: not in the OpenAPI document");
            }

            var pathInDocs = new Regex(Regex.Escape(path) + @"(?![\w/{])");
            if (!docs.Any(line => pathInDocs.IsMatch(line) && line.Contains($"`{method}", StringComparison.Ordinal)))
            {
                missing.Add($"{method} {path}: not in docs/api.md (a line with `{method} and the path)");
            }
        }

        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
        Assert.True(ApiEndpoints().Count() > 20, "too few endpoints found: the enumeration is broken");
    }

    private IEnumerable<(string Method, string Path)> ApiEndpoints()
    {
        var sources = Server.Services.GetRequiredService<EndpointDataSource>();
        foreach (var endpoint in sources.Endpoints.OfType<RouteEndpoint>())
        {
            var raw = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (!raw.StartsWith("/api/v", StringComparison.Ordinal)
                || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IExcludeFromDescriptionMetadata>() is { ExcludeFromDescription: true }
                || endpoint.Metadata.GetMetadata<HttpMethodMetadata>() is not { } methods)
            {
                continue;
            }

            var path = Constraint().Replace(raw, "{$1}");
            foreach (var method in methods.HttpMethods)
            {
                yield return (method, path);
            }
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PetitChat.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PetitChat.slnx not found above the test's folder.");
    }

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex Constraint();
}
