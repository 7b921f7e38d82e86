namespace PetitChat.Core.Presence;

/// <summary>Whether a user has a live stream open on any node, and when they were last active (null: not known).</summary>
public sealed record UserActivity(bool Connected, DateTimeOffset? LastActiveAt)
{
    /// <summary>
    /// When a stream of theirs last closed (null: not known). With no stream left, they read as
    /// connected until <see cref="PresenceOptions.OfflineGrace"/> after it, as the offline event waits.
    /// </summary>
    public DateTimeOffset? ClosedAt { get; init; }
}
