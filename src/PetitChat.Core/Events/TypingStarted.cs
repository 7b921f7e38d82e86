namespace PetitChat.Core.Events;

/// <summary>
/// Ephemeral: <paramref name="UserId"/> is typing in the chat (in a thread when
/// <paramref name="ThreadId"/> is set) and should be shown so until <paramref name="Until"/>.
/// Never stored, never replayed.
/// </summary>
public sealed record TypingStarted(Guid ChatId, Guid UserId, Guid? ThreadId, DateTimeOffset Until) : ChatEvent(ChatId);
