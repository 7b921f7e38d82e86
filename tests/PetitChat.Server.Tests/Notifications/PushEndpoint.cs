using System.Buffers.Binary;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>
/// A push service and webhook receiver on 127.0.0.1, as real as the tests can make one: it holds
/// each subscription's private key (P-256, made by the test like a browser would), decrypts every
/// message per RFC 8291 (aes128gcm), and checks the VAPID token (RFC 8292: ES256 JWT for this
/// origin, signed by the key in <c>k=</c>). Paths can be told to answer 410, 429 or 503, to hold
/// every request without an answer (a hung push service), or to answer 429 with a Retry-After.
/// </summary>
public sealed class PushEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Browser> _browsers = new();
    private readonly ConcurrentDictionary<string, Queue<int>> _answers = new();
    private readonly ConcurrentDictionary<string, bool> _stalled = new();
    private readonly ConcurrentDictionary<string, int> _holdOffs = new();
    private readonly List<Received> _received = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PushEndpoint(WebApplication app, Uri origin)
    {
        _app = app;
        Origin = origin;
    }

    public Uri Origin { get; }

    /// <summary>The VAPID public key the server must sign with (from its API); checked on every push.</summary>
    public string? ExpectedVapidKey { get; set; }

    public static async Task<PushEndpoint> StartAsync()
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var endpoint = new PushEndpoint(app, new Uri($"http://127.0.0.1:{port}"));
        app.MapPost("/push/{id}", endpoint.PushAsync);
        app.MapPost("/hook/{id}", endpoint.HookAsync);
        await app.StartAsync();
        return endpoint;
    }

    /// <summary>A new browser subscription: its endpoint URL and the keys it would give the server.</summary>
    public Browser NewBrowser()
    {
        var id = Guid.NewGuid().ToString("N");
        var browser = new Browser(id, new Uri(Origin, $"/push/{id}").AbsoluteUri);
        _browsers[id] = browser;
        return browser;
    }

    public string HookUrl(string id) => new Uri(Origin, $"/hook/{id}").AbsoluteUri;

    /// <summary>The next answers for this id (push or hook), before it goes back to 201/200.</summary>
    public void AnswerNext(string id, params int[] statuses) => _answers[id] = new Queue<int>(statuses);

    /// <summary>From now on, requests for this id get no answer until the caller gives up; each is recorded with status 0 on arrival.</summary>
    public void Stall(string id) => _stalled[id] = true;

    /// <summary>From now on, requests for this id get 429 with <c>Retry-After: seconds</c>.</summary>
    public void HoldOff(string id, int seconds) => _holdOffs[id] = seconds;

    public IReadOnlyList<Received> For(string id)
    {
        lock (_gate)
        {
            return [.. _received.Where(r => r.Id == id)];
        }
    }

    public async Task<IReadOnlyList<Received>> WaitForAsync(string id, int count, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            var got = For(id);
            if (got.Count >= count)
            {
                return got;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"{id} received {got.Count} message(s), expected {count}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var browser in _browsers.Values)
        {
            browser.Dispose();
        }
    }

    private async Task<IResult> PushAsync(string id, HttpRequest request)
    {
        var body = await ReadAllAsync(request);
        if (await StallOrHoldOffAsync(id, request) is { } held)
        {
            return held;
        }

        if (TakeAnswer(id) is { } status)
        {
            Record(new Received(id, status, null, null, request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString())));
            return Results.StatusCode(status);
        }

        if (!_browsers.TryGetValue(id, out var browser))
        {
            return Results.StatusCode(410);
        }

        var problem = CheckVapid(request) ?? (request.Headers.ContentEncoding == "aes128gcm" ? null : "Content-Encoding is not aes128gcm");
        string? plaintext = null;
        if (problem is null)
        {
            try
            {
                plaintext = browser.Decrypt(body);
            }
            catch (CryptographicException e)
            {
                problem = $"decryption failed: {e.Message}";
            }
        }

        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString());
        Record(new Received(id, problem is null ? 201 : 400, plaintext is null ? null : JsonDocument.Parse(plaintext).RootElement.Clone(), problem, headers));
        return problem is null ? Results.StatusCode(201) : Results.BadRequest(problem);
    }

    private async Task<IResult> HookAsync(string id, HttpRequest request)
    {
        var body = await ReadAllAsync(request);
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString());
        if (TakeAnswer(id) is { } status)
        {
            Record(new Received(id, status, null, null, headers, body));
            return Results.StatusCode(status);
        }

        Record(new Received(id, 200, JsonDocument.Parse(body).RootElement.Clone(), null, headers, body));
        return Results.Ok();
    }

    private async Task<IResult?> StallOrHoldOffAsync(string id, HttpRequest request)
    {
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString());
        if (_holdOffs.TryGetValue(id, out var seconds))
        {
            Record(new Received(id, 429, null, null, headers));
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Results.StatusCode(429);
        }

        if (!_stalled.ContainsKey(id))
        {
            return null;
        }

        Record(new Received(id, 0, null, null, headers));
        try
        {
            await Task.Delay(Timeout.Infinite, request.HttpContext.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }

        return Results.StatusCode(504);
    }

    private string? CheckVapid(HttpRequest request)
    {
        // Authorization: vapid t=<JWT>, k=<public key>
        var authorization = request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("vapid ", StringComparison.Ordinal))
        {
            return "no vapid authorization";
        }

        var parts = authorization["vapid ".Length..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var (token, key) = (parts["t"], parts["k"]);
        if (ExpectedVapidKey is not null && key != ExpectedVapidKey)
        {
            return "k is not the server's VAPID key";
        }

        var segments = token.Split('.');
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[0])).RootElement;
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(segments[1])).RootElement;
        if (header.GetProperty("alg").GetString() != "ES256")
        {
            return "alg is not ES256";
        }

        // RFC 8292 says the origin; Lib.Net.Http.WebPush leaves out a non-default port, which real
        // push services (all on 443) never have. Scheme and host must match.
        if (claims.GetProperty("aud").GetString() is not { } aud || new Uri(aud).Scheme != Origin.Scheme || new Uri(aud).Host != Origin.Host)
        {
            return $"aud {claims.GetProperty("aud")} is not this origin";
        }

        var expires = DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64());
        if (expires < DateTimeOffset.UtcNow || expires > DateTimeOffset.UtcNow.AddHours(24.1))
        {
            return "exp is not within 24 hours";
        }

        if (claims.GetProperty("sub").GetString() is not { } sub || !(sub.StartsWith("mailto:", StringComparison.Ordinal) || sub.StartsWith("https:", StringComparison.Ordinal)))
        {
            return "sub is not a mailto: or https: contact";
        }

        var point = Base64Url.DecodeFromChars(key);
        using var ecdsa = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point[1..33], Y = point[33..65] },
        });
        var signed = Encoding.ASCII.GetBytes($"{segments[0]}.{segments[1]}");
        return ecdsa.VerifyData(signed, Base64Url.DecodeFromChars(segments[2]), HashAlgorithmName.SHA256) ? null : "the JWT signature does not verify";
    }

    private int? TakeAnswer(string id)
    {
        if (_answers.TryGetValue(id, out var queue))
        {
            lock (queue)
            {
                if (queue.Count > 0)
                {
                    return queue.Dequeue();
                }
            }
        }

        return null;
    }

    private void Record(Received received)
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            _received.Add(received);
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult();
    }

    private static async Task<byte[]> ReadAllAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>One request as it arrived: the decrypted (or webhook) JSON, or why it was rejected.</summary>
    public sealed record Received(string Id, int Status, JsonElement? Json, string? Problem, IReadOnlyDictionary<string, string> Headers, byte[]? Body = null);

    /// <summary>A browser's side of a subscription: its ECDH key pair and auth secret.</summary>
    public sealed class Browser(string id, string endpoint) : IDisposable
    {
        private readonly ECDiffieHellman _key = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);

        public string Id { get; } = id;

        public string Endpoint { get; } = endpoint;

        public byte[] AuthSecret { get; } = RandomNumberGenerator.GetBytes(16);

        public byte[] PublicKey
        {
            get
            {
                var q = _key.ExportParameters(false).Q;
                return [0x04, .. q.X!, .. q.Y!];
            }
        }

        /// <summary>The subscription as <c>PushSubscription.toJSON()</c> gives it.</summary>
        public object ToJson() => new { endpoint = Endpoint, keys = new { p256dh = Base64Url.EncodeToString(PublicKey), auth = Base64Url.EncodeToString(AuthSecret) } };

        /// <summary>RFC 8291 section 3.4 and RFC 8188: one aes128gcm record.</summary>
        public string Decrypt(byte[] body)
        {
            var salt = body[..16];
            var recordSize = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(16, 4));
            var idLength = body[20];
            var serverPublic = body[21..(21 + idLength)];
            var ciphertext = body[(21 + idLength)..];
            if (idLength != 65 || ciphertext.Length > recordSize)
            {
                throw new CryptographicException($"unexpected header: keyid {idLength} bytes, record size {recordSize}, {ciphertext.Length} bytes");
            }

            using var server = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = serverPublic[1..33], Y = serverPublic[33..65] },
            });
            var ecdhSecret = _key.DeriveRawSecretAgreement(server.PublicKey);
            byte[] keyInfo = [.. "WebPush: info\0"u8, .. PublicKey, .. serverPublic];
            var ikm = HKDF.DeriveKey(HashAlgorithmName.SHA256, ecdhSecret, 32, AuthSecret, keyInfo);
            var cek = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 16, salt, "Content-Encoding: aes128gcm\0"u8.ToArray());
            var nonce = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 12, salt, "Content-Encoding: nonce\0"u8.ToArray());

            var plain = new byte[ciphertext.Length - 16];
            using var aes = new AesGcm(cek, 16);
            aes.Decrypt(nonce, ciphertext[..^16], ciphertext[^16..], plain);
            // Padding: the content, then a delimiter (2 for the last record), then zeros.
            var end = plain.Length - 1;
            while (end >= 0 && plain[end] == 0)
            {
                end--;
            }

            if (end < 0 || plain[end] != 2)
            {
                throw new CryptographicException("no last-record delimiter");
            }

            return Encoding.UTF8.GetString(plain, 0, end);
        }

        public void Dispose() => _key.Dispose();
    }
}
