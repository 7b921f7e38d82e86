namespace PetitChat.Core.Events;

/// <summary>
/// The chat itself changed for the recipient: created with them in it, a member was added or
/// removed, or (when <paramref name="Removed"/>) the recipient is no longer a member and should
/// drop the chat. Clients refetch the chat on this event.
/// </summary>
public sealed record ChatChanged(Guid ChatId, bool Removed) : ChatEvent(ChatId);
