using Microsoft.AspNetCore.Http.HttpResults;
using PetitChat.Core.Paging;
using PetitChat.Core.Presence;
using PetitChat.Core.Users;
using PetitChat.Server.Errors;
using PetitChat.Server.Limits;
using PetitChat.Server.Presence;

namespace PetitChat.Server.Users;

public static class UsersApi
{
    public static RouteGroupBuilder MapUsers(this RouteGroupBuilder api)
    {
        api.MapGet("/me", async (Caller caller, PresenceService presence, CancellationToken ct) =>
            TypedResults.Ok(MeDto.From(caller.User) with { Presence = PresenceDto.From((await presence.ViewsAsync([caller.Id], ct))[0]) }));

        api.MapGet("/users", async Task<Results<Ok<Page<UserDto>>, ProblemHttpResult>> (
            Caller caller, UserService users, PresenceService presence, string? username, int? limit, string? cursor, CancellationToken ct) =>
        {
            var found = await users.FindAsync(username, limit, cursor, ct);
            if (!found.Succeeded)
            {
                return found.Failure.ToProblem();
            }

            var items = found.Value.Items.Select(UserDto.From).ToList();
            // Someone found by their username may be seen, as a partner is (the rule):
            // through the search itself, which is rate limited, so that reading presence by id
            // stays closed to strangers. A listing without a prefix finds nobody in particular.
            if (!string.IsNullOrWhiteSpace(username))
            {
                var views = (await presence.ViewsAsync([.. items.Select(u => u.Id)], ct)).ToDictionary(v => v.UserId, PresenceDto.From);
                items = [.. items.Select(u => u with { Presence = views.GetValueOrDefault(u.Id) })];
            }

            return TypedResults.Ok(new Page<UserDto>(items, found.Value.NextCursor));
        }).RequireRateLimiting(RateLimitPolicies.UserSearch);

        return api;
    }
}
