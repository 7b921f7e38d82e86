namespace PetitChat.Core.Events;

/// <summary>A user added or removed a reaction; <paramref name="Count"/> is the emoji's new count.</summary>
public sealed record ReactionChanged(Guid ChatId, Guid SignalId, Guid UserId, string Emoji, bool Added, int Count)
    : ChatEvent(ChatId);
