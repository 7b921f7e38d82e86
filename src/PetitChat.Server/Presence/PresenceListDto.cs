namespace PetitChat.Server.Presence;

public sealed record PresenceListDto(IReadOnlyList<PresenceDto> Items);
