using PetitChat.Core.Common;
using PetitChat.Core.Paging;

namespace PetitChat.Core.Users;

public sealed class UserService(IUserStore userStore, Ids ids, TimeProvider time, ChatLimits limits, IUserDirectory? directory = null)
{
    /// <summary>The user behind a validated token, created on first sight and refreshed from its claims.</summary>
    public Task<User> SignInAsync(UserClaims claims, CancellationToken ct) =>
        userStore.UpsertUserAsync(claims, ids.Next(), time.GetUtcNow(), ct);

    public async Task<Result<Page<User>>> FindAsync(string? usernamePrefix, int? limit, string? cursor, CancellationToken ct)
    {
        if (Paging.PageSize.Check(limit, limits) is { } invalid)
        {
            return invalid;
        }

        var prefix = (usernamePrefix ?? "").Trim();
        if (prefix.Length > 64)
        {
            return new Invalid("username", "The username prefix is at most 64 characters.");
        }

        var pageSize = limit ?? limits.DefaultPageSize;
        if (directory is not null && cursor is null && prefix.Length > 0)
        {
            await AddFromDirectoryAsync(prefix, pageSize, ct);
        }

        return await userStore.FindUsersAsync(prefix, pageSize, cursor, ct);
    }

    /// <summary>
    /// Stores the directory's matches that are new or whose profile changed, before the first
    /// page is read from the store, so that paging stays the store's and ids are Petit chat's.
    /// Known users keep their roles: only a token says what roles someone has.
    /// </summary>
    private async Task AddFromDirectoryAsync(string prefix, int max, CancellationToken ct)
    {
        var found = await directory!.FindAsync(prefix, max, ct);
        if (found.Count == 0)
        {
            return;
        }

        var known = (await userStore.GetUsersBySubjectAsync([.. found.Select(f => f.Subject)], ct)).ToDictionary(u => u.Subject);
        foreach (var claims in found)
        {
            if (!known.TryGetValue(claims.Subject, out var user))
            {
                await userStore.UpsertUserAsync(claims with { Roles = [] }, ids.Next(), time.GetUtcNow(), ct);
            }
            else if (user.Username != claims.Username || user.DisplayName != claims.DisplayName || user.Email != claims.Email)
            {
                await userStore.UpsertUserAsync(claims with { Roles = user.Roles }, ids.Next(), time.GetUtcNow(), ct);
            }
        }
    }
}
