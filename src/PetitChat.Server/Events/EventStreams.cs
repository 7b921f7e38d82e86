using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PetitChat.Core.Chats;
using PetitChat.Core.Events;
using PetitChat.Core.Presence;
using PetitChat.Core.Telemetry;
using PetitChat.Server.Limits;
using PetitChat.Server.Typing;

namespace PetitChat.Server.Events;

/// <summary>
/// Runs one user's open stream as <c>text/event-stream</c>, with a comment heartbeat between
/// events. TypedResults.ServerSentEvents cannot write comments (DESIGN.md asks for a comment
/// heartbeat), so the few lines of the wire format are written here. The stream ends when the
/// token it was opened with expires (<c>closeAt</c>); the client reconnects with a fresh token and
/// resumes from its last event id, losing nothing. Heartbeats and the expiry come from the node's
/// one <see cref="StreamHeartbeats"/> timer: an idle stream holds no timer of its own.
/// Only singletons here, never the request's services: a stream opened with a ticket
/// (<see cref="TicketStreams"/>) never makes a DI scope, which it would hold for its whole life.
/// </summary>
public sealed class EventStreams(
    IEventBus bus, EventTickets tickets, PresenceService presence, OpenStreams open, StreamHeartbeats heartbeats, TimeProvider time, IOptions<JsonOptions> json,
    TypingOptions typingOptions)
{
    private static readonly byte[] Connected = "retry: 3000\n: connected\n\n"u8.ToArray();
    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;

    /// <summary>The stream of a caller who sent their bearer token: subscribes, writes the events until it ends, lets go of all it held.</summary>
    public Task RunAsync(HttpContext context, Guid userId, DateTimeOffset? closeAt, string? lastEventId) =>
        RunAsync(context, ticket: null, userId, closeAt, lastEventId);

    /// <summary>The stream a ticket stands for; 401 when the ticket is unknown, used or expired.</summary>
    public Task RunWithTicketAsync(HttpContext context, string ticket, string? lastEventId) =>
        RunAsync(context, ticket, Guid.Empty, closeAt: null, lastEventId);

    private async Task RunAsync(HttpContext context, string? ticket, Guid userId, DateTimeOffset? closeAt, string? lastEventId)
    {
        // Redeemed here rather than by the caller: one awaiting method for the stream's life, not two.
        if (ticket is not null)
        {
            if (await tickets.RedeemAsync(ticket, context.RequestAborted) is not { } redeemed)
            {
                await EventsApi.UnknownTicket().ExecuteAsync(context);
                return;
            }

            (userId, closeAt) = redeemed;
        }

        var resumeFrom = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
        // One source for the stream's life: the client going away, a newer stream of the user
        // (OpenStreams), the token's expiry and the node's shutdown (StreamHeartbeats) all cancel it.
        using var life = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        // At most Limits:MaxStreamsPerUser per user on this node: one more closes the oldest.
        using var stream = open.Open(userId, life);
        // The same token for the subscription and its enumerator: two would be linked into a third source, held for the stream's life.
        IAsyncEnumerable<DeliveredEvent> events;
        try
        {
            events = await bus.SubscribeAsync(userId, resumeFrom, life.Token);
        }
        catch (OperationCanceledException) when (life.IsCancellationRequested)
        {
            // Closed before it opened: the client went away, or opened more streams meanwhile.
            return;
        }

        // Disposed whatever happens from here (even if the opening lines fail): it unsubscribes.
        var enumerator = events.GetAsyncEnumerator(life.Token);
        EventStreamWriter? writer = null;
        try
        {
            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            // Opening writes with the request's own token: a stream whose token is just expiring
            // still opens, then ends at the next tick, and the client reconnects with a fresh one.
            await response.Body.WriteAsync(Connected, context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);

            // A node that shuts down ends its streams at once rather than holding the shutdown for
            // them (StreamHeartbeats ends them all); clients reconnect (to another node) and resume.
            writer = new EventStreamWriter(response.Body, life, closeAt, time.GetUtcNow());
            heartbeats.Add(writer);
            ChatMetrics.StreamOpened();

            // The user is connected (on every node, through PresenceService) while the stream is
            // open, so that their messages are not pushed to them meanwhile and their chat
            // partners see them online.
            await using var lease = await presence.ConnectAsync(userId, life.Token);
            var typing = new TypingGate(typingOptions);
            while (await enumerator.MoveNextAsync())
            {
                if (!typing.Admits(enumerator.Current.Event))
                {
                    continue;
                }

                using (var frame = SseFrame.Of(enumerator.Current, _json))
                {
                    await writer.WriteAsync(frame.Bytes, time.GetUtcNow());
                }

                ChatMetrics.EventDelivered();
            }
        }
        catch (OperationCanceledException) when (life.IsCancellationRequested)
        {
            // The client went away, its token expired, or the node is stopping.
        }
        finally
        {
            await enumerator.DisposeAsync();
            if (writer is not null)
            {
                heartbeats.Remove(writer);
                ChatMetrics.StreamClosed();
                await writer.DisposeAsync();
            }
        }
    }
}
