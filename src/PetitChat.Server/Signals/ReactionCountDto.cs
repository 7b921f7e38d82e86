namespace PetitChat.Server.Signals;

public sealed record ReactionCountDto(string Emoji, int Count, bool Mine);
