using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Notifications;

/// <summary>
/// The JSON a push message (encrypted) and a webhook (signed) carry. <see cref="Tag"/> is the chat,
/// so a service worker replaces an older notification of the same chat instead of stacking them.
/// </summary>
public sealed record NotificationPayload(
    string Id,
    string Type,
    string Title,
    string Body,
    string Tag,
    Guid ChatId,
    Guid SignalId,
    Guid SenderId,
    string SenderName,
    int UnreadCount,
    bool Mentioned,
    DateTimeOffset SentAt)
{
    public static NotificationPayload From(Notification n) => new(
        n.JobId,
        "message",
        n.ChatTitle,
        n.UnreadCount > 1 ? $"{n.SenderName}: {n.Preview} (+{n.UnreadCount - 1} more)" : $"{n.SenderName}: {n.Preview}",
        $"chat-{n.ChatId:N}",
        n.ChatId,
        n.SignalId,
        n.SenderId,
        n.SenderName,
        n.UnreadCount,
        n.Mentioned,
        n.SentAt);
}
