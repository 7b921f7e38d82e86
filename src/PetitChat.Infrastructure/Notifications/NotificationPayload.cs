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
    /// <summary>Set on an "incoming call" (<see cref="Type"/> <c>call</c>, its own tag so it never replaces a message's).</summary>
    public Guid? CallId { get; init; }

    /// <summary>A push message holds 4 KB (RFC 8291's record), so at most this many ids are listed.</summary>
    public const int MaxListedIds = 20;

    /// <summary>
    /// The messages this push covers, newest first (<see cref="Notification.Covers"/>), at most
    /// <see cref="MaxListedIds"/>; <see cref="CoveredCount"/> says how many there are.
    /// </summary>
    public IReadOnlyList<Guid> SignalIds { get; init; } = [];

    /// <summary>How many messages this push covers: no other push covers them.</summary>
    public int CoveredCount { get; init; }

    public static NotificationPayload From(Notification n) => n.CallId is { } callId
        ? new(n.JobId, "call", n.ChatTitle, n.Preview, $"call-{callId:N}", n.ChatId, n.SignalId, n.SenderId, n.SenderName, 1, false, n.SentAt)
        {
            CallId = callId,
            SignalIds = Listed(n.Covers),
            CoveredCount = n.Covers.Count,
        }
        : new(
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
        n.SentAt)
        {
            ThreadId = n.ThreadId,
            SignalIds = Listed(n.Covers),
            CoveredCount = n.Covers.Count,
        };

    private static IReadOnlyList<Guid> Listed(IReadOnlyList<Guid> covers) => covers.Count <= MaxListedIds ? covers : [.. covers.Take(MaxListedIds)];

    /// <summary>Set on a thread reply: the root, whose thread the client opens.</summary>
    public Guid? ThreadId { get; init; }
}
