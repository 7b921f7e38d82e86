using System.Net.Http.Json;
using System.Text.Json;

namespace PetitChat.Server.Tests.Api;

/// <summary>Responses are read as raw JSON so that tests check the wire names, not our DTOs.</summary>
public static class Json
{
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(string.IsNullOrEmpty(body), $"{(int)response.StatusCode} with an empty body");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> OkJsonAsync(this Task<HttpResponseMessage> call, int status = 200)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Asserts a problem document with this status, naming <paramref name="field"/> when given.</summary>
    public static async Task<JsonElement> ProblemAsync(this Task<HttpResponseMessage> call, int status, string? field = null)
    {
        using var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
                $"the problem does not name '{field}': {body}");
        }

        return problem;
    }

    public static Guid Id(this JsonElement element) => element.GetProperty("id").GetGuid();

    public static string Str(this JsonElement element, string name) => element.GetProperty(name).GetString()!;

    public static JsonElement[] Items(this JsonElement page) => [.. page.GetProperty("items").EnumerateArray()];

    public static string? NextCursor(this JsonElement page) =>
        page.GetProperty("nextCursor") is { ValueKind: JsonValueKind.String } cursor ? cursor.GetString() : null;

    public static Task<HttpResponseMessage> PostJson(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body);
}
