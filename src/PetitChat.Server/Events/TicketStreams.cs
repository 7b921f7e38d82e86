using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace PetitChat.Server.Events;

/// <summary>
/// Opens a stream asked for with a ticket (the web client's way) as soon as routing has matched
/// it, ahead of authentication, the rate limiter's middleware, authorization and the endpoint.
/// An idle stream lasts hours, and everything above it in the pipeline lives as long: each
/// middleware's awaiting state, the authentication handlers and OpenIddict's per-request
/// transaction, the principal, the request's DI scope. A ticket needs none of it, so here the
/// stream holds Kestrel's connection, the bus subscription and <see cref="EventStreams"/>' few
/// objects. See docs/decisions/0015-stream-memory-and-receipt-batches.md.
/// The request still counts against the global rate limit; one it would exceed, and anything
/// unusual (no single ticket), goes on down the pipeline, which answers it as before.
/// </summary>
public static class TicketStreams
{
    /// <summary>After the exception handler (a store failure still gets its problem document), before authentication.</summary>
    public static WebApplication UseTicketStreams(this WebApplication app)
    {
        var streams = app.Services.GetRequiredService<EventStreams>();
        var limiter = app.Services.GetRequiredService<IOptions<RateLimiterOptions>>().Value.GlobalLimiter;
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<EventStreamEndpoint>() is null
                || !context.Request.Query.TryGetValue("ticket", out var ticket) || ticket.Count != 1 || ticket[0] is not { } value)
            {
                return next(context);
            }

            if (limiter is not null)
            {
                using var lease = limiter.AttemptAcquire(context);
                if (!lease.IsAcquired)
                {
                    // The rate limiter's middleware refuses it, with its Retry-After.
                    return next(context);
                }
            }

            return streams.RunWithTicketAsync(context, value, context.Request.Query["lastEventId"].FirstOrDefault());
        });
        return app;
    }
}

/// <summary>Marks the stream's endpoint, for <see cref="TicketStreams"/>.</summary>
public sealed class EventStreamEndpoint
{
    public static readonly EventStreamEndpoint Instance = new();

    private EventStreamEndpoint()
    {
    }
}
