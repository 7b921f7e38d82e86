using PetitChat.Core.Users;

namespace PetitChat.Server.Users;

public sealed record MeDto(Guid Id, string Username, string DisplayName, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt)
{
    public static MeDto From(User user) => new(user.Id, user.Username, user.DisplayName, user.Roles, user.CreatedAt);
}
