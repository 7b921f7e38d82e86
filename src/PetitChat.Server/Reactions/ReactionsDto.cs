namespace PetitChat.Server.Reactions;

public sealed record ReactionsDto(IReadOnlyList<ReactionDto> Items);
