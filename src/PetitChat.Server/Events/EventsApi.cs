using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Events;
using PetitChat.Core.Presence;
using PetitChat.Server.Identity;
using PetitChat.Server.Limits;
using PetitChat.Server.Notifications;
using PetitChat.Server.Users;

namespace PetitChat.Server.Events;

public static class EventsApi
{
    public static RouteGroupBuilder MapEvents(this RouteGroupBuilder api)
    {
        api.MapPost("/events/tickets", async (Caller caller, HttpContext context, EventTickets tickets) =>
            TypedResults.Ok(await tickets.IssueAsync(caller.Id, context.User.TokenExpiry(), context.RequestAborted)))
            .RequireRateLimiting(RateLimitPolicies.Tickets);

        // Anonymous at the routing level because a ticket may stand for the bearer token; the
        // handler accepts either and nothing else.
        api.MapGet("/events", async Task<Results<EventStreamResult, ProblemHttpResult>> (
            HttpContext context, string? ticket, string? lastEventId, EventTickets tickets, IEventBus bus, PresenceService presence, OpenStreams open) =>
        {
            // The stream ends when the token it was opened with expires: a user disabled in the
            // identity provider gets no new token, so their stream does not outlive the last one.
            Guid userId;
            DateTimeOffset? closeAt;
            if (ticket is not null)
            {
                if (await tickets.RedeemAsync(ticket, context.RequestAborted) is not { } redeemed)
                {
                    return Unauthorized("The ticket is unknown, used or expired; ask for a new one.");
                }

                (userId, closeAt) = redeemed;
            }
            else if (context.User.Identity?.IsAuthenticated == true && await Caller.BindAsync(context) is { } caller)
            {
                userId = caller.Id;
                closeAt = context.User.TokenExpiry();
            }
            else
            {
                return Unauthorized("Send a bearer token, or a ticket from POST /api/v1/events/tickets.");
            }

            var resumeFrom = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
            var events = await bus.SubscribeAsync(userId, resumeFrom, context.RequestAborted);
            // At most Limits:MaxStreamsPerUser per user on this node: one more closes the oldest.
            var stream = open.Open(userId);
            context.Response.RegisterForDispose(stream);
            return new EventStreamResult(events.WhileConnected(presence, userId), closeAt) { Closing = stream.Closing };
        }).AllowAnonymous().DisableRequestTimeout();

        return api;
    }

    private static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.");
}
