using PetitChat.Core.Presence;

namespace PetitChat.Server.Presence;

public sealed record StatusDto(string? Emoji, string? Text, DateTimeOffset? ExpiresAt, Availability Availability)
{
    public static StatusDto From(UserStatus status) => new(status.Emoji, status.Text, status.ExpiresAt, status.Availability);
}
