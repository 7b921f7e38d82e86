using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PetitChat.Core.Chats;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Typing;

public static class TypingApi
{
    public static RouteGroupBuilder MapTyping(this RouteGroupBuilder api)
    {
        api.MapPost("/chats/{chatId:guid}/typing", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid chatId, [FromBody(EmptyBodyBehavior = Microsoft.AspNetCore.Mvc.ModelBinding.EmptyBodyBehavior.Allow)] TypingRequest? request,
            Caller caller, TypingService typing, CancellationToken ct) =>
        {
            var failure = await typing.StartAsync(caller.Id, chatId, request?.ThreadId, ct);
            return failure is null ? TypedResults.NoContent() : failure.ToProblem();
        });

        return api;
    }
}
