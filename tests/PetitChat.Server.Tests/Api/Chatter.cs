using System.Net.Http.Json;
using System.Text.Json;

namespace PetitChat.Server.Tests.Api;

/// <summary>One signed-in user of the test server, with the calls the tests make most.</summary>
public sealed class Chatter(HttpClient http, Guid id, string username)
{
    public HttpClient Http { get; } = http;

    public Guid Id { get; } = id;

    public string Username { get; } = username;

    public static async Task<Chatter> SignInAsync(HttpClient http, string username)
    {
        var me = await http.GetAsync(new Uri("/api/v1/me", UriKind.Relative)).OkJsonAsync();
        return new Chatter(http, me.Id(), username);
    }

    public Task<JsonElement> CreateGroupAsync(string name, params Chatter[] others) =>
        Http.PostJson("/api/v1/chats", new { name, memberIds = others.Select(o => o.Id) }).OkJsonAsync(201);

    public Task<JsonElement> CreateDirectAsync(Chatter other, int status = 201) =>
        Http.PostJson("/api/v1/chats", new { memberIds = new[] { other.Id } }).OkJsonAsync(status);

    public Task<JsonElement> SendAsync(Guid chatId, string text, string? clientId = null) =>
        Http.PostJson($"/api/v1/chats/{chatId}/signals", new { kind = "message", text, clientId = clientId ?? Guid.NewGuid().ToString() })
            .OkJsonAsync(201);

    public Task<JsonElement> TimelineAsync(Guid chatId, string query = "") =>
        Http.GetAsync(new Uri($"/api/v1/chats/{chatId}/signals{query}", UriKind.Relative)).OkJsonAsync();

    public Task<JsonElement> GetAsync(string url) => Http.GetAsync(new Uri(url, UriKind.Relative)).OkJsonAsync();

    public Task<HttpResponseMessage> GetRawAsync(string url) => Http.GetAsync(new Uri(url, UriKind.Relative));

    public Task<HttpResponseMessage> PostRawAsync(string url, object body) => Http.PostAsJsonAsync(url, body);

    public Task<HttpResponseMessage> PutRawAsync(string url) => Http.PutAsync(new Uri(url, UriKind.Relative), null);

    public Task<HttpResponseMessage> DeleteRawAsync(string url) => Http.DeleteAsync(new Uri(url, UriKind.Relative));

    public Task<JsonElement> MarkAsync(Guid chatId, Guid signalId, string state) =>
        Http.PostJson($"/api/v1/chats/{chatId}/receipts", new { signalId, state }).OkJsonAsync();

    public async Task<EventStream> OpenEventsAsync(string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/events");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await EventStream.OpenAsync(Http, request);
    }
}
