using PetitChat.Core.Chats;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Notifications;

public sealed partial class NotificationWorker
{
    /// <summary>
    /// A reply in a thread the recipient takes part in: pushed as if it mentioned them (so a muted
    /// chat does not silence it, and do not disturb only when it lets mentions through), unless
    /// they left the chat, have a live stream open, or the reply is gone. Each reply is its own
    /// notification: threads have no read pointer to collapse them against.
    /// </summary>
    private async Task<Notification?> DecideThreadAsync(NotificationJob job, bool offline, CancellationToken ct)
    {
        if (await roster.GetMemberAsync(job.ChatId, job.UserId, ct) is null || (!offline && await presence.IsConnectedAsync(job.UserId, ct)))
        {
            return null;
        }

        if (await timeline.GetSignalAsync(job.ChatId, job.SignalId, ct) is not { ThreadId: { } rootId, DeletedAt: null } reply)
        {
            return null;
        }

        if (!options.DndAllowsMentions && await InDoNotDisturbAsync(job.UserId, ct))
        {
            return null;
        }

        var chat = await roster.GetChatAsync(job.ChatId, ct);
        var sender = await userStore.GetUserAsync(reply.SenderId, ct);
        var senderName = sender?.DisplayName ?? "Someone";
        var title = chat is { Kind: ChatKind.Group } ? $"Thread in {chat.Name ?? "Group"}" : $"Thread with {senderName}";
        var text = reply.Encrypted is not null ? "New reply" : reply.Text ?? string.Empty;
        var preview = text.Length > options.PreviewLength ? string.Concat(text.AsSpan(0, options.PreviewLength), "…") : text;
        return new Notification(job.Id, job.UserId, job.ChatId, title, reply.Id, reply.SenderId, senderName, preview,
            UnreadCount: 1, Mentioned: true, reply.CreatedAt)
        {
            ThreadId = rootId,
            Covers = [reply.Id],
        };
    }
}
