namespace PetitChat.Server.Reactions;

public sealed record ReactionDto(string Emoji, Guid UserId, DateTimeOffset At);
