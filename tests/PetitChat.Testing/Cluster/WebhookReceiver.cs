using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PetitChat.Testing.StandIns;

namespace PetitChat.Testing.Cluster;

/// <summary>
/// The users' webhook endpoint for a fault run, on 127.0.0.1 in the test process: what a user's
/// own service would be (docs/notifications.md, "Webhook"), not a stand-in. It answers 200 at once,
/// checks each signature against the user's secret, and keeps every push it got: user, delivery
/// id (<c>X-PetitChat-Delivery</c>) and the message ids the push says it covers.
/// </summary>
public sealed class WebhookReceiver : LoopbackJsonServer
{
    private readonly ConcurrentDictionary<Guid, byte[]> _secrets = new();
    private readonly ConcurrentQueue<Push> _received = new();

    private WebhookReceiver(int port)
        : base(port)
    {
        Listen();
    }

    public IReadOnlyCollection<Push> Received => _received;

    /// <summary>Pushes whose signature did not check out under the user's secret.</summary>
    public int BadSignatures { get; private set; }

    public static WebhookReceiver Start() => new(LoopbackPort.Free());

    /// <summary>The URL to give as <paramref name="userId"/>'s webhook.</summary>
    public Uri UrlFor(Guid userId) => new(Url, $"hook/{userId:N}");

    /// <summary>The secret the server answered when the webhook was set.</summary>
    public void Trust(Guid userId, string secret) => _secrets[userId] = Encoding.UTF8.GetBytes(secret);

    protected override Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            Take(context.Request);
            context.Response.StatusCode = 200;
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            context.Response.StatusCode = 400;
        }

        context.Response.Close();
        return Task.CompletedTask;
    }

    /// <summary>Not a stand-in: nothing records violations; the 500 just says what failed.</summary>
    protected override JsonNode Failed(string what) => new JsonObject { ["error"] = what };

    private void Take(HttpListenerRequest request)
    {
        using var memory = new MemoryStream();
        request.InputStream.CopyTo(memory);
        var body = memory.ToArray();
        var userId = Guid.ParseExact(request.Url!.Segments[^1], "N");
        if (!Signed(userId, request.Headers["X-PetitChat-Timestamp"], request.Headers["X-PetitChat-Signature"], body))
        {
            BadSignatures++;
        }

        var json = JsonDocument.Parse(body).RootElement;
        _received.Enqueue(new Push(
            userId,
            request.Headers["X-PetitChat-Delivery"] ?? "",
            json.GetProperty("chatId").GetGuid(),
            [.. json.GetProperty("signalIds").EnumerateArray().Select(i => i.GetGuid())],
            json.GetProperty("coveredCount").GetInt32()));
    }

    private bool Signed(Guid userId, string? timestamp, string? signature, byte[] body)
    {
        if (timestamp is null || signature is null || !_secrets.TryGetValue(userId, out var secret))
        {
            return false;
        }

        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp + "."), .. body];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, signed));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            && long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }

    /// <summary>One push as received: whose, its delivery id, and the messages it covers.</summary>
    public sealed record Push(Guid UserId, string Delivery, Guid ChatId, IReadOnlyList<Guid> SignalIds, int CoveredCount);
}
