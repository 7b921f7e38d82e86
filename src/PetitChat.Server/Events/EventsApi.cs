using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Server.Identity;
using PetitChat.Server.Limits;
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
        // handler accepts either and nothing else. A single ticket is mostly served before the
        // endpoint, by TicketStreams.
        api.MapGet("/events", async Task<Results<EventStreamResult, ProblemHttpResult>> (
            HttpContext context, string? ticket, string? lastEventId, EventTickets tickets) =>
        {
            // The stream ends when the token it was opened with expires: a user disabled in the
            // identity provider gets no new token, so their stream does not outlive the last one.
            if (ticket is not null)
            {
                return await tickets.RedeemAsync(ticket, context.RequestAborted) is { } redeemed
                    ? new EventStreamResult(redeemed.UserId, redeemed.TokenExpiresAt, lastEventId)
                    : UnknownTicket();
            }

            return context.User.Identity?.IsAuthenticated == true && await Caller.BindAsync(context) is { } caller
                ? new EventStreamResult(caller.Id, context.User.TokenExpiry(), lastEventId)
                : Unauthorized("Send a bearer token, or a ticket from POST /api/v1/events/tickets.");
        }).AllowAnonymous().DisableRequestTimeout().WithMetadata(EventStreamEndpoint.Instance);

        return api;
    }

    internal static ProblemHttpResult UnknownTicket() => Unauthorized("The ticket is unknown, used or expired; ask for a new one.");

    private static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.");
}
