using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Events;
using PetitChat.Core.Notifications;
using PetitChat.Server.Notifications;
using PetitChat.Server.Users;

namespace PetitChat.Server.Events;

public static class EventsApi
{
    public static RouteGroupBuilder MapEvents(this RouteGroupBuilder api)
    {
        api.MapPost("/events/tickets", (Caller caller, EventTickets tickets) => TypedResults.Ok(tickets.Issue(caller.Id)));

        // Anonymous at the routing level because a ticket may stand for the bearer token; the
        // handler accepts either and nothing else.
        api.MapGet("/events", async Task<Results<EventStreamResult, ProblemHttpResult>> (
            HttpContext context, string? ticket, string? lastEventId, EventTickets tickets, IEventBus bus, IPresence presence) =>
        {
            Guid userId;
            if (ticket is not null)
            {
                if (tickets.Redeem(ticket) is not { } ticketUser)
                {
                    return Unauthorized("The ticket is unknown, used or expired; ask for a new one.");
                }

                userId = ticketUser;
            }
            else if (context.User.Identity?.IsAuthenticated == true && await Caller.BindAsync(context) is { } caller)
            {
                userId = caller.Id;
            }
            else
            {
                return Unauthorized("Send a bearer token, or a ticket from POST /api/v1/events/tickets.");
            }

            var resumeFrom = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
            var events = await bus.SubscribeAsync(userId, resumeFrom, context.RequestAborted);
            return new EventStreamResult(events.WhileConnected(presence, userId));
        }).AllowAnonymous();

        return api;
    }

    private static ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized.");
}
