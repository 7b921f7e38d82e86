namespace PetitChat.Core.Notifications;

/// <summary>
/// What a user is told: the chat, the newest unread message (<see cref="Preview"/> is its text,
/// cut to a preview), and how many unread messages it stands for, several messages in a short
/// window being collapsed into this one notification.
/// </summary>
public sealed record Notification(
    string JobId,
    Guid UserId,
    Guid ChatId,
    string ChatTitle,
    Guid SignalId,
    Guid SenderId,
    string SenderName,
    string Preview,
    int UnreadCount,
    bool Mentioned,
    DateTimeOffset SentAt)
{
    /// <summary>Set for an "incoming call": the call to join.</summary>
    public Guid? CallId { get; init; }

    /// <summary>Set for a thread reply: the root, so that a client opens the thread.</summary>
    public Guid? ThreadId { get; init; }

    /// <summary>
    /// The messages this push covers, newest first: for a chat message, those from others after
    /// the user's read pointer and after the previous push of the chat to them (the ledger's mark),
    /// up to <see cref="SignalId"/>; for a call or a thread reply, that one signal. Every (user,
    /// message) that should notify is covered by one delivered push (docs/notifications.md).
    /// </summary>
    public IReadOnlyList<Guid> Covers { get; init; } = [];
}
