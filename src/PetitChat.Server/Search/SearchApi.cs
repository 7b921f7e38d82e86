using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Search;
using PetitChat.Server.Errors;
using PetitChat.Server.Limits;
using PetitChat.Server.Users;

namespace PetitChat.Server.Search;

public static class SearchApi
{
    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder api)
    {
        api.MapGet("/chats/{chatId:guid}/search", async Task<Results<Ok<SearchResultsDto>, ProblemHttpResult>> (
            Guid chatId, string? q, string? cursor, int? limit, Caller caller, SearchService service, CancellationToken ct) =>
        {
            var page = await service.SearchAsync(caller.Id, chatId, q, cursor, limit, ct);
            return page.Succeeded
                ? TypedResults.Ok(new SearchResultsDto([.. page.Value.Items.Select(SearchHitDto.From)], page.Value.NextCursor))
                : page.Failure.ToProblem();
        }).RequireRateLimiting(RateLimitPolicies.Searches);

        return api;
    }
}
