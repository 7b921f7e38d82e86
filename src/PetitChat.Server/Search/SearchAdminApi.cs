using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Search;
using PetitChat.Core.Users;
using PetitChat.Server.Errors;
using PetitChat.Server.Users;

namespace PetitChat.Server.Search;

public static class SearchAdminApi
{
    private static readonly PetitChat.Core.Common.Forbidden AdminsOnly = new("Only administrators can reindex search.");

    /// <summary>Reindexing every stored message into the configured engine (administrators), under <c>/api/v1</c>.</summary>
    public static RouteGroupBuilder MapSearchAdmin(this RouteGroupBuilder api)
    {
        var reindex = api.MapGroup("/admin/search/reindex");

        // Idempotent: while a run is going, starting again answers with that run.
        reindex.MapPost("/", async Task<Results<Accepted<SearchReindexDto>, ProblemHttpResult>> (
            Caller caller, SearchReindexer reindexer, CancellationToken ct) =>
        {
            if (!caller.User.Roles.Contains(Roles.Admin))
            {
                return AdminsOnly.ToProblem();
            }

            var run = await reindexer.StartAsync(ct);
            return TypedResults.Accepted("/api/v1/admin/search/reindex", SearchReindexDto.From(run));
        });

        reindex.MapGet("/", async Task<Results<Ok<SearchReindexDto>, ProblemHttpResult>> (
            Caller caller, SearchReindexer reindexer, CancellationToken ct) =>
        {
            if (!caller.User.Roles.Contains(Roles.Admin))
            {
                return AdminsOnly.ToProblem();
            }

            return await reindexer.GetAsync(ct) is { } run
                ? TypedResults.Ok(SearchReindexDto.From(run))
                : new PetitChat.Core.Common.NotFound("No reindex was ever started.").ToProblem();
        });

        return api;
    }
}
