namespace PetitChat.Core.Presence;

/// <summary>A user's own status: an emoji and a short text, until <see cref="ExpiresAt"/> (or until cleared).</summary>
public sealed record UserStatus(string? Emoji, string? Text, DateTimeOffset? ExpiresAt, Availability Availability, DateTimeOffset SetAt)
{
    public bool IsLive(DateTimeOffset now) => ExpiresAt is not { } at || at > now;
}
