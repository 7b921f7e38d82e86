using PetitChat.Core.Users;

namespace PetitChat.Core.Chats;

/// <summary>A chat as one member sees it: with their unread count, its newest signal and its members in join order.</summary>
public sealed record ChatView(ChatSummary Summary, IReadOnlyList<User> Members)
{
    /// <summary>Unread signals that mention me (counted among the newest 100 unread ones).</summary>
    public int UnreadMentions { get; init; }
}
