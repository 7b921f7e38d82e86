using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Threads;
using PetitChat.Server.Errors;
using PetitChat.Server.Limits;
using PetitChat.Server.Users;

namespace PetitChat.Server.Search;

public static class SearchApi
{
    public static RouteGroupBuilder MapSearch(this RouteGroupBuilder api)
    {
        api.MapGet("/chats/{chatId:guid}/search", async Task<Results<Ok<SearchResultsDto>, ProblemHttpResult>> (
            Guid chatId, string? q, string? cursor, int? limit, Caller caller, SearchService service, ISignalStore timeline, CancellationToken ct) =>
        {
            var page = await service.SearchAsync(caller.Id, chatId, q, cursor, limit, ct);
            return page.Succeeded
                ? TypedResults.Ok(new SearchResultsDto([.. (await ThreadHits.FillAsync(timeline, page.Value.Items, ct)).Select(SearchHitDto.From)], page.Value.NextCursor))
                : page.Failure.ToProblem();
        }).RequireRateLimiting(RateLimitPolicies.Searches);

        // Across every chat the caller is in now; filters as query words or as parameters
        // ("in" is a C# keyword, hence the explicit name).
        api.MapGet("/search", async Task<Results<Ok<SearchResultsDto>, ProblemHttpResult>> (
            string? q, string? from, [FromQuery(Name = "in")] string? inChat, string? before, string? after, string? has, string? sort,
            string? cursor, int? limit, Caller caller, GlobalSearchService service, ISignalStore timeline, CancellationToken ct) =>
        {
            var page = await service.SearchAsync(caller.Id, new GlobalSearchRequest(q, from, inChat, before, after, has, sort, cursor, limit), ct);
            return page.Succeeded
                ? TypedResults.Ok(new SearchResultsDto([.. (await ThreadHits.FillAsync(timeline, page.Value.Items, ct)).Select(SearchHitDto.From)], page.Value.NextCursor))
                : page.Failure.ToProblem();
        }).RequireRateLimiting(RateLimitPolicies.Searches);

        return api;
    }
}
