using Microsoft.AspNetCore.Http.Features;
using PetitChat.Core.Events;
using PetitChat.Core.Telemetry;

namespace PetitChat.Server.Events;

/// <summary>
/// Writes a user's events as <c>text/event-stream</c>, with a comment heartbeat between them.
/// TypedResults.ServerSentEvents cannot write comments (DESIGN.md asks for a comment heartbeat),
/// so the few lines of the wire format are written here. The stream ends at
/// <paramref name="closeAt"/> (the bearer token's expiry); the client reconnects with a fresh
/// token and resumes from its last event id, losing nothing. Heartbeats and the expiry come from
/// the node's one <see cref="StreamHeartbeats"/> timer: an idle stream holds no timer of its own.
/// </summary>
public sealed class EventStreamResult(IAsyncEnumerable<DeliveredEvent> events, DateTimeOffset? closeAt = null) : IResult
{
    /// <summary>Fires when the server closes the stream early (the user opened too many).</summary>
    public CancellationToken Closing { get; init; }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var frames = services.GetRequiredService<EventFrames>();
        var time = services.GetRequiredService<TimeProvider>();
        var heartbeats = services.GetRequiredService<StreamHeartbeats>();
        var response = httpContext.Response;
        using var life = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, Closing);

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Opening writes with the request's own token: a stream whose token is just expiring
        // still opens, then ends at the next tick, and the client reconnects with a fresh one.
        await response.Body.WriteAsync("retry: 3000\n: connected\n\n"u8.ToArray(), httpContext.RequestAborted);
        await response.Body.FlushAsync(httpContext.RequestAborted);

        // A node that shuts down ends its streams at once rather than holding the shutdown for
        // them (StreamHeartbeats ends them all); clients reconnect (to another node) and resume.
        var writer = new EventStreamWriter(response.Body, life, closeAt, time.GetUtcNow());
        heartbeats.Add(writer);
        ChatMetrics.StreamOpened();
        var enumerator = events.GetAsyncEnumerator(life.Token);
        try
        {
            while (await enumerator.MoveNextAsync())
            {
                await writer.WriteAsync(frames.Format(enumerator.Current), time.GetUtcNow());
                ChatMetrics.EventDelivered();
            }
        }
        catch (OperationCanceledException) when (life.IsCancellationRequested)
        {
            // The client went away, its token expired, or the node is stopping.
        }
        finally
        {
            heartbeats.Remove(writer);
            ChatMetrics.StreamClosed();
            await enumerator.DisposeAsync();
            await writer.DisposeAsync();
        }
    }
}
