using System.Text;
using System.Text.Json;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// A minimal SSE reader for tests. Opening returns once the server has said ": connected",
/// which it writes after the subscription is live, so nothing published later is missed.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _life = new(TimeSpan.FromSeconds(60));

    private EventStream(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public string? LastId { get; private set; }

    public int Comments { get; private set; }

    public static async Task<EventStream> OpenAsync(HttpClient http, HttpRequestMessage request)
    {
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}", null, response.StatusCode);
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = new EventStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8));
        while (stream.Comments == 0)
        {
            Assert.Null(await stream.ReadBlockAsync(TimeSpan.FromSeconds(10)));
        }

        return stream;
    }

    /// <summary>
    /// The next event, skipping comments and <c>presence</c> events (ephemeral, sent whenever a
    /// member's stream opens or closes, so they would interleave with whatever a test waits for:
    /// a predicate that asks for them gets them); fails when none comes in time.
    /// </summary>
    public async Task<SseEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var next = await NextOfAnyTypeAsync(timeout);
            if (next.Type != "presence")
            {
                return next;
            }

            deadline.Token.ThrowIfCancellationRequested();
        }
    }

    private async Task<SseEvent> NextOfAnyTypeAsync(TimeSpan? timeout)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var read = await ReadBlockAsync(timeout ?? TimeSpan.FromSeconds(10));
            if (read is not null)
            {
                return read;
            }

            deadline.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Reads events until one matches, and returns it with those skipped.</summary>
    public async Task<SseEvent> NextAsync(Func<SseEvent, bool> match, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var next = await NextOfAnyTypeAsync(timeout);
            if (match(next))
            {
                return next;
            }

            deadline.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>True when no event arrives within <paramref name="quiet"/> (comments do not count).</summary>
    public async Task<bool> StaysQuietAsync(TimeSpan quiet)
    {
        try
        {
            var e = await NextAsync(quiet);
            Assert.Fail($"unexpected event {e.Type}: {e.Data}");
            return false;
        }
        catch (OperationCanceledException)
        {
            return true;
        }
    }

    /// <summary>One block up to a blank line: an event, or null for a comment-only block.</summary>
    public async Task<SseEvent?> ReadBlockAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_life.Token);
        cts.CancelAfter(timeout);
        string? id = null, type = null;
        var data = new StringBuilder();
        while (true)
        {
            var line = await _reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException("The server ended the stream.");
            if (line.Length == 0)
            {
                if (type is null && data.Length == 0)
                {
                    return null;
                }

                LastId = id ?? LastId;
                return new SseEvent(id, type ?? "message", JsonDocument.Parse(data.ToString()).RootElement.Clone());
            }

            if (line[0] == ':')
            {
                Comments++;
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Append(line[6..]);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _life.CancelAsync();
        _reader.Dispose();
        _response.Dispose();
        _life.Dispose();
    }
}

public sealed record SseEvent(string? Id, string Type, JsonElement Data);
