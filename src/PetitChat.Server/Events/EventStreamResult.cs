using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PetitChat.Core.Events;
using PetitChat.Core.Telemetry;

namespace PetitChat.Server.Events;

/// <summary>
/// Writes a user's events as <c>text/event-stream</c>, with a comment heartbeat between them.
/// TypedResults.ServerSentEvents cannot write comments (DESIGN.md asks for a comment heartbeat),
/// so the few lines of the wire format are written here. The stream ends at
/// <paramref name="closeAt"/> (the bearer token's expiry); the client reconnects with a fresh
/// token and resumes from its last event id, losing nothing.
/// </summary>
public sealed class EventStreamResult(IAsyncEnumerable<DeliveredEvent> events, DateTimeOffset? closeAt = null) : IResult
{
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    /// <summary>Fires when the server closes the stream early (the user opened too many).</summary>
    public CancellationToken Closing { get; init; }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var heartbeat = services.GetRequiredService<IOptions<EventStreamOptions>>().Value.Heartbeat;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var time = services.GetRequiredService<TimeProvider>();
        var response = httpContext.Response;
        using var expiry = new CancellationTokenSource(closeAt is { } at ? Max(at - time.GetUtcNow(), TimeSpan.Zero) : Timeout.InfiniteTimeSpan, time);
        // A node that shuts down ends its streams at once rather than holding the shutdown for
        // them; clients reconnect (to another node) and resume from their last id.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(
            httpContext.RequestAborted, expiry.Token, Closing, services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        var ct = linked.Token;

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Opening writes with the request's own token: a stream whose token is just expiring
        // still opens, then ends at once, and the client reconnects with a fresh one.
        await response.Body.WriteAsync("retry: 3000\n: connected\n\n"u8.ToArray(), httpContext.RequestAborted);
        await response.Body.FlushAsync(httpContext.RequestAborted);

        ChatMetrics.StreamOpened();
        var enumerator = events.GetAsyncEnumerator(ct);
        var next = enumerator.MoveNextAsync().AsTask();
        try
        {
            while (true)
            {
                if (await Task.WhenAny(next, Task.Delay(heartbeat, time, ct)) != next)
                {
                    await response.Body.WriteAsync(Heartbeat, ct);
                    await response.Body.FlushAsync(ct);
                    continue;
                }

                if (!await next)
                {
                    break;
                }

                await response.Body.WriteAsync(Format(enumerator.Current, json), ct);
                await response.Body.FlushAsync(ct);
                ChatMetrics.EventDelivered();
                next = enumerator.MoveNextAsync().AsTask();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away, or its token expired.
        }
        finally
        {
            ChatMetrics.StreamClosed();
            // An async iterator cannot be disposed while a MoveNextAsync is pending; cancellation ends it.
            await next.ContinueWith(static _ => { }, TaskScheduler.Default);
            await enumerator.DisposeAsync();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static byte[] Format(DeliveredEvent delivered, JsonSerializerOptions json)
    {
        var (type, data) = EventPayloads.Of(delivered.Event);
        var payload = JsonSerializer.Serialize(data, data.GetType(), json);
        // An ephemeral event has no id line, so the browser's Last-Event-ID stays on the last durable event.
        return Encoding.UTF8.GetBytes(delivered.Id is null
            ? $"event: {type}\ndata: {payload}\n\n"
            : $"id: {delivered.Id}\nevent: {type}\ndata: {payload}\n\n");
    }
}
