namespace PetitChat.Core.Reactions;

public sealed record Reaction(Guid SignalId, Guid UserId, string Emoji, DateTimeOffset At);
