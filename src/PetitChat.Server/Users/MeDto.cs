using PetitChat.Core.Users;

namespace PetitChat.Server.Users;

public sealed record MeDto(Guid Id, string Username, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    /// <summary>My presence as my chat partners see it, so that a client shows it before any event.</summary>
    public PetitChat.Server.Presence.PresenceDto? Presence { get; init; }

    public static MeDto From(User user) => new(user.Id, user.Username, user.DisplayName, user.Roles, user.CreatedAt);
}
