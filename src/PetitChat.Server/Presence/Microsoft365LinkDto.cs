using PetitChat.Core.Presence;

namespace PetitChat.Server.Presence;

public sealed record Microsoft365LinkDto(bool Linked, string? Upn, bool WriteBack)
{
    public static Microsoft365LinkDto From(Microsoft365Link? link) => new(link is not null, link?.Upn, link?.WriteBack ?? false);
}
