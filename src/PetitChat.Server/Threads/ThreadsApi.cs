using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Files;
using PetitChat.Core.Signals;
using PetitChat.Server.Errors;
using PetitChat.Server.Signals;
using PetitChat.Server.Users;

namespace PetitChat.Server.Threads;

public static class ThreadsApi
{
    /// <summary><c>GET /chats/{chatId}/signals/{rootId}/thread</c>: a thread's replies, oldest first (replies are sent with <c>threadId</c>).</summary>
    public static RouteGroupBuilder MapThreads(this RouteGroupBuilder api)
    {
        api.MapGet("/chats/{chatId:guid}/signals/{rootId:guid}/thread", async Task<Results<Ok<ThreadDto>, ProblemHttpResult>> (
            Guid chatId, Guid rootId, Guid? before, Guid? after, int? limit, Caller caller, SignalService service, FileService files,
            CancellationToken ct) =>
        {
            var page = await service.ThreadAsync(caller.Id, chatId, rootId, before, after, limit, ct);
            if (!page.Succeeded)
            {
                return page.Failure.ToProblem();
            }

            var dtos = await SignalsApi.WithAttachmentsAsync([page.Value.Root, .. page.Value.Items], caller, files, ct);
            return TypedResults.Ok(new ThreadDto(dtos[0], dtos[1..], page.Value.NextCursor, page.Value.PreviousCursor));
        });

        return api;
    }
}
