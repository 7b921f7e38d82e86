using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;
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
                || !TryReadQuery(context.Request.QueryString.Value, out var ticket, out var lastEventId))
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

            return streams.RunWithTicketAsync(context, ticket, lastEventId);
        });
        return app;
    }

    /// <summary>
    /// The single <c>ticket</c> and the first <c>lastEventId</c>, read from the raw query string
    /// (names without regard to case, as <c>Request.Query</c> does). Not through <c>Request.Query</c>:
    /// it keeps its parsed dictionary in the request's features, for the stream's whole life.
    /// </summary>
    private static bool TryReadQuery(string? query, out string ticket, out string? lastEventId)
    {
        string? found = null;
        var tickets = 0;
        lastEventId = null;
        foreach (var pair in new QueryStringEnumerable(query))
        {
            var name = pair.DecodeName().Span;
            if (name.Equals("ticket", StringComparison.OrdinalIgnoreCase))
            {
                found = pair.DecodeValue().ToString();
                tickets++;
            }
            else if (lastEventId is null && name.Equals("lastEventId", StringComparison.OrdinalIgnoreCase))
            {
                lastEventId = pair.DecodeValue().ToString();
            }
        }

        ticket = found ?? "";
        return tickets == 1;
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
