using PetitChat.Core.Paging;

namespace PetitChat.Core.Users;

/// <summary>
/// Users, keyed by id and by the identity provider's subject.
/// Part of the chat store (<see cref="PetitChat.Core.Storage.IChatStore"/>): SQLite on a laptop,
/// ScyllaDB (Alternator) in production; every adapter passes this port's contract suite
/// (tests/PetitChat.Contracts.Tests/Storage). Cursors are opaque; a cursor the store did not
/// issue throws <see cref="PetitChat.Core.Paging.InvalidCursorException"/>.
/// </summary>
public interface IUserStore
{
    /// <summary>
    /// Creates the user on first sight of <paramref name="claims"/>' subject, or refreshes the
    /// stored username, display name, roles and email when they changed. Never creates two users for
    /// one subject, even when called concurrently.
    /// </summary>
    Task<User> UpsertUserAsync(UserClaims claims, Guid newId, DateTimeOffset now, CancellationToken ct);

    Task<User?> GetUserAsync(Guid userId, CancellationToken ct);

    /// <summary>The users among <paramref name="subjects"/> (identity provider <c>sub</c>s) that exist, in no particular order.</summary>
    Task<IReadOnlyList<User>> GetUsersBySubjectAsync(IReadOnlyCollection<string> subjects, CancellationToken ct);

    /// <summary>The users among <paramref name="userIds"/> that exist, in no particular order.</summary>
    Task<IReadOnlyList<User>> GetUsersAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct);

    /// <summary>
    /// Users whose username starts with <paramref name="prefix"/> (case-insensitive), ordered by
    /// username then id. An empty prefix lists everyone.
    /// </summary>
    Task<Page<User>> FindUsersAsync(string prefix, int limit, string? cursor, CancellationToken ct);
}
