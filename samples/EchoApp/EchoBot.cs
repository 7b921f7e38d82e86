using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PetitChat.Samples.EchoApp;

/// <summary>
/// A Petit chat app in one file: it checks the signature of everything the server posts, answers
/// the <c>/echo</c> command (<c>/echo text</c> answers the caller alone, <c>/echo chat text</c> posts
/// the text in the chat), and repeats every message it is sent
/// (<c>signal.created</c>) back into the chat through the API with its bot token.
/// docs/apps.md walks through it.
/// </summary>
public sealed class EchoBot : IDisposable
{
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private readonly HttpClient _http = new();

    /// <summary>The app's signing secret and bot token, from the server's answer to the registration.</summary>
    public string SigningSecret { get; set; } = "";

    public string BotToken { get; set; } = "";

    /// <summary>The Petit chat server the bot calls back (its own origin).</summary>
    public Uri? Server { get; set; }

    /// <summary>What the server posted, signature checked, oldest first.</summary>
    public IReadOnlyList<JsonElement> Received => [.. _received];

    public static WebApplication Build(EchoBot bot, string[] args, int port)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/", bot.HandleAsync);
        app.MapGet("/received", () => Results.Json(bot.Received));
        return app;
    }

    /// <summary>Checks <c>X-PetitChat-Signature</c>: <c>sha256=</c> HMAC-SHA256 of <c>{timestamp}.{body}</c>, and a timestamp under 5 minutes old.</summary>
    public static bool IsSigned(string secret, string? timestamp, string? signature, byte[] body)
    {
        if (timestamp is null || signature is null || !long.TryParse(timestamp, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300)
        {
            return false;
        }

        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        var expected = Encoding.ASCII.GetBytes("sha256=" + Convert.ToHexStringLower(mac));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature));
    }

    public void Dispose() => _http.Dispose();

    private async Task<IResult> HandleAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        if (!IsSigned(SigningSecret, request.Headers["X-PetitChat-Timestamp"], request.Headers["X-PetitChat-Signature"], body))
        {
            return Results.Unauthorized();
        }

        var envelope = JsonDocument.Parse(body).RootElement.Clone();
        _received.Enqueue(envelope);
        var payload = envelope.GetProperty("payload");
        switch (envelope.GetProperty("type").GetString())
        {
            case "command":
                var text = payload.GetProperty("text").GetString() ?? "";
                return text.StartsWith("chat ", StringComparison.Ordinal)
                    ? Results.Json(new { text = text[5..], visibility = "chat" })
                    : Results.Json(new { text = $"You said: {text}", visibility = "me" });
            case "signal.created" when Server is not null:
                await EchoAsync(envelope.GetProperty("chatId").GetGuid(), envelope.GetProperty("id").GetString()!, payload.GetProperty("text").GetString());
                break;
        }

        return Results.Ok();
    }

    /// <summary>Repeats a message through the API, with the delivery id as clientId: a redelivered event is not echoed twice.</summary>
    private async Task EchoAsync(Guid chatId, string deliveryId, string? text)
    {
        using var send = new HttpRequestMessage(HttpMethod.Post, new Uri(Server!, $"/api/v1/chats/{chatId}/signals"))
        {
            Content = JsonContent.Create(new { text = $"echo: {text}", clientId = deliveryId }),
        };
        send.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BotToken);
        using var response = await _http.SendAsync(send);
        response.EnsureSuccessStatusCode();
    }
}
