using PetitChat.Core.Signals;

namespace PetitChat.Core.Chats;

/// <summary>One row of "my chats": the chat, what I have not read yet, and its newest signal.</summary>
public sealed record ChatSummary(Chat Chat, int UnreadCount, Signal? LastSignal);
