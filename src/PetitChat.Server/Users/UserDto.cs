using PetitChat.Core.Users;

namespace PetitChat.Server.Users;

public sealed record UserDto(Guid Id, string Username, string DisplayName)
{
    /// <summary><c>bot</c> for an app's or an incoming webhook's bot user, <c>user</c> for everyone else.</summary>
    public string Kind { get; init; } = "user";

    public static UserDto From(User user) => new(user.Id, user.Username, user.DisplayName) { Kind = KindOf(user) };

    public static string KindOf(User user) => user.Roles.Contains(Roles.Bot) ? "bot" : "user";
}
