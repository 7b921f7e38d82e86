namespace PetitChat.Core.Presence;

/// <summary>Whether a user has a live stream open on any node, and when they were last active (null: not known).</summary>
public sealed record UserActivity(bool Connected, DateTimeOffset? LastActiveAt);
