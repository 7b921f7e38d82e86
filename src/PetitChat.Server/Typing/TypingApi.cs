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
        })
        // The body is optional: `curl -X POST .../typing` sends no Content-Type, and an endpoint that
        // accepts only JSON is then not matched at all (the API's fallback answers 404).
        .Accepts<TypingRequest>(isOptional: true, "application/json", "*/*");

        return api;
    }
}
