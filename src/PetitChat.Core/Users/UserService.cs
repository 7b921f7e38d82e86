using PetitChat.Core.Common;
using PetitChat.Core.Paging;
using PetitChat.Core.Storage;

namespace PetitChat.Core.Users;

public sealed class UserService(IChatStore store, Ids ids, TimeProvider time, ChatLimits limits)
{
    /// <summary>The user behind a validated token, created on first sight and refreshed from its claims.</summary>
    public Task<User> SignInAsync(UserClaims claims, CancellationToken ct) =>
        store.UpsertUserAsync(claims, ids.Next(), time.GetUtcNow(), ct);

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

        return await store.FindUsersAsync(prefix, limit ?? limits.DefaultPageSize, cursor, ct);
    }
}
