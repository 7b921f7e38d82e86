namespace PetitChat.Core.Presence;

/// <summary>
/// Stored presence data: each user's own status, the last presence read from Microsoft 365, and
/// who is linked to Microsoft 365. SQLite on a laptop, ScyllaDB in production; both pass
/// tests/PetitChat.Contracts.Tests/Presence. Who is connected is not here (that is
/// <see cref="Notifications.IPresence"/>, live and not stored).
/// </summary>
public interface IPresenceStore
{
    /// <summary>Sets (replaces) the user's status. Expiry is not enforced here: an expired status is returned as stored, and readers judge it.</summary>
    Task SetStatusAsync(Guid userId, UserStatus status, CancellationToken ct);

    /// <summary>Removes the user's status; false when there was none. The external presence is kept.</summary>
    Task<bool> ClearStatusAsync(Guid userId, CancellationToken ct);

    /// <summary>Sets the presence last read from Microsoft 365, or removes it when null. The user's own status is kept.</summary>
    Task SetExternalAsync(Guid userId, ExternalPresence? external, CancellationToken ct);

    /// <summary>
    /// Records when the user was last seen (their stream closed), replacing the time stored; the
    /// status and external presence are kept. Live activity lives in <see cref="Notifications.IPresence"/>;
    /// this is what is left of it after a restart of the embedded one.
    /// </summary>
    Task SetLastSeenAsync(Guid userId, DateTimeOffset at, CancellationToken ct);

    /// <summary>The stored presence of each of <paramref name="userIds"/> that has any (a status, an external presence or a last seen); users with none are absent.</summary>
    Task<IReadOnlyDictionary<Guid, StoredPresence>> GetAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct);

    /// <summary>Links (or relinks, replacing the UPN and write-back choice) the user to Microsoft 365.</summary>
    Task SetLinkAsync(Microsoft365Link link, CancellationToken ct);

    /// <summary>Unlinks the user; false when they were not linked.</summary>
    Task<bool> RemoveLinkAsync(Guid userId, CancellationToken ct);

    /// <summary>The user's link, or null.</summary>
    Task<Microsoft365Link?> GetLinkAsync(Guid userId, CancellationToken ct);

    /// <summary>Every linked user, in no particular order (the sync reads them all each round).</summary>
    Task<IReadOnlyList<Microsoft365Link>> ListLinksAsync(CancellationToken ct);
}
