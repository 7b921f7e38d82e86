namespace PetitChat.Core.Presence;

/// <summary>What the store holds for one user: their own status and the last external presence, each optional.</summary>
public sealed record StoredPresence(UserStatus? Status, ExternalPresence? External)
{
    /// <summary>When their last stream closed, kept across restarts (<see cref="IPresenceStore.SetLastSeenAsync"/>).</summary>
    public DateTimeOffset? LastSeenAt { get; init; }
}
