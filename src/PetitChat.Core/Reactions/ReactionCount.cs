namespace PetitChat.Core.Reactions;

public sealed record ReactionCount(string Emoji, int Count);
