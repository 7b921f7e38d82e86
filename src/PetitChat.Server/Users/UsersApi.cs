using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Paging;
using PetitChat.Core.Users;
using PetitChat.Server.Errors;
using PetitChat.Server.Limits;

namespace PetitChat.Server.Users;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder api)
    {
        api.MapGet("/me", (Caller caller) => TypedResults.Ok(MeDto.From(caller.User)));

        api.MapGet("/users", async Task<Results<Ok<Page<UserDto>>, ProblemHttpResult>> (
            Caller caller, UserService users, string? username, int? limit, string? cursor, CancellationToken ct) =>
        {
            var found = await users.FindAsync(username, limit, cursor, ct);
            return found.Succeeded
                ? TypedResults.Ok(new Page<UserDto>([.. found.Value.Items.Select(UserDto.From)], found.Value.NextCursor))
                : found.Failure.ToProblem();
        }).RequireRateLimiting(RateLimitPolicies.UserSearch);

        return api;
    }
}
