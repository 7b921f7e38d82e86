using PetitChat.Core.Users;

namespace PetitChat.Server.Users;

public sealed record UserDto(Guid Id, string Username, string DisplayName)
{
    /// <summary>Filled where the caller may see it (chat members); left out elsewhere.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public PetitChat.Server.Presence.PresenceDto? Presence { get; init; }

    public static UserDto From(User user) => new(user.Id, user.Username, user.DisplayName);
}
