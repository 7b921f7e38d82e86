using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace PetitChat.Testing;

/// <summary>
/// Hostile requests over every operation of the server's OpenAPI document, generated with CsCheck:
/// wrong types, huge and negative numbers, very long and control-character strings, unknown ids and
/// other users' ids, broken JSON and multipart, bad cursors, odd methods and headers, as one of
/// several users with different memberships (or none, or a forged token). A finding is a 5xx, a
/// request left unanswered, or a chat's secret text (or, in a success, its id) sent to a non-member.
/// Used by the server tests (a short run) and by <c>bench -- fuzz</c> (a long one).
/// </summary>
public sealed class ApiFuzzer
{
    private static readonly string[] OddMethods = ["PATCH", "OPTIONS", "TRACE", "HEAD", "PROPFIND", "DELETE", "PUT"];
    private static readonly string[] OddContentTypes =
        ["text/plain", "application/xml", "application/json; charset=utf-7", "application/json; charset=\"utf-16\"", "multipart/form-data", "multipart/form-data; boundary=", "application/x-www-form-urlencoded", "*/*"];

    private readonly HttpClient _http;
    private readonly IReadOnlyList<FuzzOperation> _operations;
    private readonly IReadOnlyList<FuzzUser> _users;
    private readonly IReadOnlyList<FuzzChat> _chats;
    private long _requests;

    public ApiFuzzer(HttpClient http, JsonDocument openApi, IReadOnlyList<FuzzUser> users, IReadOnlyList<FuzzChat> chats)
    {
        _http = http;
        _users = users;
        _chats = chats;
        _operations = FuzzOperation.From(openApi);
    }

    public IReadOnlyList<FuzzOperation> Operations => _operations;

    public ConcurrentQueue<string> Findings { get; } = new();

    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>What one request is made of: an operation, a caller (a user, anonymous or forged), a seed and a CsCheck string.</summary>
    public Gen<FuzzCase> Cases => Gen.Select(Gen.Int[0, _operations.Count - 1], Gen.Int[0, _users.Count + 1], Gen.Int, Gen.String,
        (operation, caller, seed, text) => new FuzzCase(operation, caller, seed, text));

    /// <summary>Runs <paramref name="count"/> cases on <paramref name="threads"/> threads; findings are collected, not thrown.</summary>
    public Task RunAsync(long count, int threads, string? seed = null) =>
        Cases.SampleAsync(SendAsync, iter: count, threads: threads, seed: seed, writeLine: _ => { });

    public async Task SendAsync(FuzzCase fuzz)
    {
        var random = new Random(fuzz.Seed);
        var operation = _operations[fuzz.Operation];
        var user = fuzz.Caller < _users.Count ? _users[fuzz.Caller] : null;
        var method = random.Next(20) == 0 ? Pick(random, OddMethods) : operation.Method;
        var url = Url(operation, random, fuzz.Text, user);
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (user is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + user.Token);
        }
        else if (fuzz.Caller == _users.Count + 1)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Pick(random, ["", "x.y.z", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", fuzz.Text]));
        }

        if (operation.HasBody || random.Next(10) == 0)
        {
            request.Content = Body(operation, random, fuzz.Text, user);
        }

        OddHeaders(request, random, fuzz.Text);
        Interlocked.Increment(ref _requests);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            if (status >= 500)
            {
                Findings.Enqueue($"{status} for {method} {url} as {user?.Name ?? "anonymous"} with {Describe(request)}: {await ReadAsync(response)}");
                return;
            }

            if (response.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                return; // a stream opened: its events are the caller's own; leaving closes it
            }

            var body = await ReadAsync(response);
            foreach (var chat in _chats)
            {
                if (user is not null && chat.Members.Contains(user.Id))
                {
                    continue;
                }

                if (body.Contains(chat.Secret, StringComparison.Ordinal)
                    || (response.IsSuccessStatusCode && body.Contains(chat.Id.ToString(), StringComparison.OrdinalIgnoreCase)))
                {
                    Findings.Enqueue($"{status} for {method} {url} as {user?.Name ?? "anonymous"}: chat {chat.Id} shown to a non-member: {Cut(body)}");
                }
            }
        }
        catch (HttpRequestException)
        {
            // The server may close a connection on a request it will not read (a body over the
            // limit, a broken framing): an answer, not a failure.
        }
        catch (TaskCanceledException)
        {
            Findings.Enqueue($"no answer in time for {method} {url} as {user?.Name ?? "anonymous"}");
        }
    }

    private static string Describe(HttpRequestMessage request) =>
        request.Content is null ? "no body" : $"a {request.Content.Headers.ContentType} body of {request.Content.Headers.ContentLength} bytes";

    private static async Task<string> ReadAsync(HttpResponseMessage response)
    {
        // Enough to find a secret in; a download's bytes are not read to the end.
        var buffer = new byte[64 * 1024];
        await using var stream = await response.Content.ReadAsStreamAsync();
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read))) > 0)
        {
            read += n;
        }

        return Encoding.UTF8.GetString(buffer, 0, read);
    }

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "..." : text;

    private string Url(FuzzOperation operation, Random random, string text, FuzzUser? user)
    {
        var path = new StringBuilder();
        foreach (var segment in operation.Path.Split('/'))
        {
            if (segment.Length > 0)
            {
                path.Append('/').Append(segment.StartsWith('{') ? Uri.EscapeDataString(PathValue(segment.Trim('{', '}'), random, text, user)) : segment);
            }
        }

        var query = new List<string>();
        foreach (var name in operation.Query)
        {
            if (random.Next(3) > 0)
            {
                query.Add($"{Uri.EscapeDataString(name)}={Uri.EscapeDataString(QueryValue(name, random, text))}");
            }
        }

        if (random.Next(10) == 0)
        {
            query.Add($"{Uri.EscapeDataString(text)}={Uri.EscapeDataString(text)}");
        }

        return query.Count == 0 ? path.ToString() : $"{path}?{string.Join('&', query)}";
    }

    private string PathValue(string name, Random random, string text, FuzzUser? user)
    {
        var chat = Pick(random, _chats);
        var value = name switch
        {
            "chatId" => random.Next(4) switch
            {
                0 => _chats.FirstOrDefault(c => user is not null && c.Members.Contains(user.Id))?.Id.ToString() ?? chat.Id.ToString(),
                1 => chat.Id.ToString(),
                _ => null,
            },
            "signalId" => random.Next(2) == 0 && chat.SignalIds.Count > 0 ? Pick(random, chat.SignalIds).ToString() : null,
            "fileId" => random.Next(2) == 0 && chat.FileIds.Count > 0 ? Pick(random, chat.FileIds).ToString() : null,
            "userId" => random.Next(2) == 0 ? Pick(random, _users).Id.ToString() : null,
            "emoji" => random.Next(2) == 0 ? Pick(random, ["👍", "🎉", "❤️", "a", ""]) : null,
            _ => null,
        };
        return value ?? HostileString(random, text);
    }

    private string QueryValue(string name, Random random, string text) => name switch
    {
        "limit" => HostileNumber(random),
        "cursor" or "before" or "after" or "around" => random.Next(3) == 0 && Pick(random, _chats).SignalIds is { Count: > 0 } ids ? ids[0].ToString() : HostileString(random, text),
        _ => HostileString(random, text),
    };

    private HttpContent Body(FuzzOperation operation, Random random, string text, FuzzUser? user)
    {
        if (operation.Multipart && random.Next(3) > 0)
        {
            return Multipart(random, text);
        }

        var json = random.Next(8) switch
        {
            0 => Pick(random, ["{", "{\"text\":", "[", "nul", "\"unterminated", "{\"a\":1,}", "\uFEFF{}", "{\"text\":\"\\ud800\"}"]),
            1 => Pick(random, ["[]", "42", "null", "true", "\"text\"", "-1e309"]),
            2 => new string('[', 5000) + new string(']', 5000),
            3 => JsonSerializer.Serialize(new Dictionary<string, object?> { [text] = text, ["text"] = new string('x', random.Next(1000, 5000)) }),
            _ => JsonSerializer.Serialize(Object(operation.BodyProperties, random, text, user, depth: 0)),
        };
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = random.Next(10) == 0
            ? MediaTypeHeaderValue.TryParse(Pick(random, OddContentTypes), out var odd) ? odd : new MediaTypeHeaderValue("text/plain")
            : new MediaTypeHeaderValue("application/json");
        return content;
    }

    private Dictionary<string, object?> Object(IReadOnlyList<(string Name, string Type)> properties, Random random, string text, FuzzUser? user, int depth)
    {
        var body = new Dictionary<string, object?>();
        foreach (var (name, type) in properties)
        {
            if (random.Next(5) == 0)
            {
                continue;
            }

            body[name] = random.Next(6) == 0 ? WrongType(random, text) : Value(name, type, random, text, depth);
        }

        return body;
    }

    private object? Value(string name, string type, Random random, string text, int depth) => (name, type) switch
    {
        // Never a known user's id in a body: adding a user to a chat would make them a member.
        ("memberIds", _) => Enumerable.Range(0, random.Next(4) == 0 ? random.Next(90, 300) : random.Next(0, 4))
            .Select(_ => random.Next(4) == 0 ? (object)HostileString(random, text) : Guid.NewGuid()).ToArray(),
        ("userId", _) => random.Next(2) == 0 ? Guid.NewGuid() : HostileString(random, text),
        ("signalId", _) => random.Next(2) == 0 ? Pick(random, Pick(random, _chats).SignalIds.DefaultIfEmpty(Guid.NewGuid()).ToArray()) : HostileString(random, text),
        ("attachmentIds", _) => Pick(random, _chats).FileIds.Concat([Guid.NewGuid()]).ToArray(),
        ("kind", _) => Pick(random, ["message", "group", "direct", "call_started", "call_ended", "member_joined", "MESSAGE", "", text]),
        ("state", _) => Pick(random, ["read", "delivered", "unread", "", text]),
        ("keys", _) when depth < 2 => new Dictionary<string, object?> { ["p256dh"] = HostileString(random, text), ["auth"] = HostileString(random, text) },
        ("endpoint" or "url" or "callUrl", _) => Pick(random, ["https://push.example.org/x", "http://127.0.0.1/x", "http://169.254.169.254/", "file:///etc/passwd", "javascript:alert(1)", text]),
        (_, "integer" or "number") => HostileNumberValue(random),
        (_, "boolean") => random.Next(2) == 0,
        (_, "array") => Enumerable.Range(0, random.Next(0, 5)).Select(_ => (object)HostileString(random, text)).ToArray(),
        _ => HostileString(random, text),
    };

    private static object? WrongType(Random random, string text) => random.Next(6) switch
    {
        0 => null,
        1 => 12345678901234L,
        2 => new[] { text },
        3 => new Dictionary<string, object?> { ["nested"] = text },
        4 => true,
        _ => -1.5,
    };

    private static HttpContent Multipart(Random random, string text)
    {
        var form = new MultipartFormDataContent();
        var bytes = new byte[random.Next(0, 4096)];
        random.NextBytes(bytes);
        switch (random.Next(5))
        {
            case 0:
                form.Add(new ByteArrayContent(bytes), "file", text.Length == 0 ? "a.bin" : text);
                break;
            case 1:
                form.Add(new ByteArrayContent(bytes), "file"); // no file name
                break;
            case 2:
                form.Add(new StringContent(text), "text");
                break;
            case 3:
                form.Add(new ByteArrayContent(Encoding.ASCII.GetBytes("GIF89a\x01\x00\x01\x00")), "file", "../../etc/passwd.gif");
                break;
            default:
                var broken = new ByteArrayContent(Encoding.ASCII.GetBytes("--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc"));
                broken.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");
                return broken;
        }

        return form;
    }

    private static void OddHeaders(HttpRequestMessage request, Random random, string text)
    {
        switch (random.Next(12))
        {
            case 0:
                request.Headers.TryAddWithoutValidation("Last-Event-ID", Pick(random, [text, "abc-1", "-1", "99999999999999999999", "x-" + new string('9', 400)]));
                break;
            case 1:
                request.Headers.TryAddWithoutValidation("Range", Pick(random, ["bytes=0-", "bytes=-1", "bytes=999999999999-", "bytes=5-1", "bytes=0-1,2-3", "items=1-2", text]));
                break;
            case 2:
                request.Headers.TryAddWithoutValidation("Accept", Pick(random, ["text/event-stream", "application/xml", "*/*;q=abc", text]));
                break;
            case 3:
                request.Headers.TryAddWithoutValidation("If-None-Match", text);
                break;
            case 4:
                request.Headers.TryAddWithoutValidation("X-Forwarded-For", Pick(random, ["1.2.3.4", "::1", "not-an-address", text]));
                break;
        }
    }

    private static string HostileString(Random random, string text) => random.Next(10) switch
    {
        0 => new string('a', random.Next(5000, 20000)),
        1 => "\0\u0001\u001b[31m\r\n\t\u2028\u202e",
        2 => "' OR 1=1 --",
        3 => "../../../../etc/passwd",
        4 => "%00%ff%c0%af",
        5 => "\ud800",
        6 => "*\"():-NEAR OR",
        7 => "",
        _ => text,
    };

    private static string HostileNumber(Random random) => Pick(random, ["-1", "0", "1", "101", "2147483648", "-2147483649", "99999999999999999999", "1e309", "NaN", "0x10", "1.5", " 5"]);

    private static object HostileNumberValue(Random random) => random.Next(6) switch
    {
        0 => -1,
        1 => int.MaxValue,
        2 => long.MinValue,
        3 => 1.5e300,
        4 => 0,
        _ => "12",
    };

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
