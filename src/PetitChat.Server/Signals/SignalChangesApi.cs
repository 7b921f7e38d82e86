using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Signals;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Signals;

public static class SignalChangesApi
{
    /// <summary>Edit (<c>PATCH</c>) and delete (<c>DELETE</c>) of one signal.</summary>
    public static RouteGroupBuilder MapSignalChanges(this RouteGroupBuilder api)
    {
        var signal = api.MapGroup("/chats/{chatId:guid}/signals/{signalId:guid}");

        signal.MapPatch("/", async Task<Results<Ok<SignalDto>, ProblemHttpResult>> (
            Guid chatId, Guid signalId, EditSignalRequest request, Caller caller, SignalChanges changes, CancellationToken ct) =>
        {
            var edited = await changes.EditAsync(caller.Id, chatId, signalId, request.Text, ct);
            return edited.Succeeded ? TypedResults.Ok(SignalDto.From(edited.Value)) : edited.Failure.ToProblem();
        });

        signal.MapDelete("/", async Task<Results<NoContent, ProblemHttpResult>> (
            Guid chatId, Guid signalId, Caller caller, SignalChanges changes, CancellationToken ct) =>
        {
            var deleted = await changes.DeleteAsync(caller.Id, caller.User.Roles, chatId, signalId, ct);
            return deleted.Succeeded ? TypedResults.NoContent() : deleted.Failure.ToProblem();
        });

        return api;
    }
}
