using PetitChat.Core.Users;

namespace PetitChat.Server.Users;

public sealed record UserDto(Guid Id, string Username, string DisplayName)
{
    /// <summary>Filled where the caller may see it (chat members); left out elsewhere.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public PetitChat.Server.Presence.PresenceDto? Presence { get; init; }

    /// <summary><c>bot</c> for an app's or an incoming webhook's bot user, <c>user</c> for everyone else.</summary>
    public string Kind { get; init; } = "user";

    public static UserDto From(User user) => new(user.Id, user.Username, user.DisplayName) { Kind = KindOf(user) };

    public static string KindOf(User user) => user.Roles.Contains(Roles.Bot) ? "bot" : "user";
}
