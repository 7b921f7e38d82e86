using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Reactions;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Reactions;

public static class ReactionsApi
{
    public static RouteGroupBuilder MapReactions(this RouteGroupBuilder api)
    {
        var reactions = api.MapGroup("/chats/{chatId:guid}/signals/{signalId:guid}/reactions");

        // PUT and DELETE are idempotent: doing either twice leaves the same state and answers the same.
        reactions.MapPut("/{emoji}", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid chatId, Guid signalId, string emoji, Caller caller, ReactionService service, CancellationToken ct) =>
        {
            var added = await service.AddAsync(caller.Id, chatId, signalId, emoji, ct);
            return added.Succeeded ? TypedResults.NoContent() : added.Failure.ToProblem();
        });

        reactions.MapDelete("/{emoji}", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid chatId, Guid signalId, string emoji, Caller caller, ReactionService service, CancellationToken ct) =>
        {
            var removed = await service.RemoveAsync(caller.Id, chatId, signalId, emoji, ct);
            return removed.Succeeded ? TypedResults.NoContent() : removed.Failure.ToProblem();
        });

        reactions.MapGet("/", async Task<Results<Ok<ReactionsDto>, ProblemHttpResult>> (
            Guid chatId, Guid signalId, Caller caller, ReactionService service, CancellationToken ct) =>
        {
            var list = await service.ListAsync(caller.Id, chatId, signalId, ct);
            return list.Succeeded
                ? TypedResults.Ok(new ReactionsDto([.. list.Value.Select(r => new ReactionDto(r.Emoji, r.UserId, r.At))]))
                : list.Failure.ToProblem();
        });

        return api;
    }
}
