using PetitChat.Core.Users;

namespace PetitChat.Server.Users;

public sealed record UserDto(Guid Id, string Username, string DisplayName)
{
    public static UserDto From(User user) => new(user.Id, user.Username, user.DisplayName);
}
