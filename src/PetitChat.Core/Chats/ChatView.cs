using PetitChat.Core.Users;

namespace PetitChat.Core.Chats;

/// <summary>A chat as one member sees it: with their unread count, its newest signal and its members in join order.</summary>
public sealed record ChatView(ChatSummary Summary, IReadOnlyList<User> Members);
