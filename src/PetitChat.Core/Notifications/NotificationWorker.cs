using System.Text.RegularExpressions;
using PetitChat.Core.Calls;
using PetitChat.Core.Chats;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;

namespace PetitChat.Core.Notifications;

/// <summary>
/// The worker's logic, the same in a Notifier process and in the embedded server: waits until the
/// job is due, applies the policy, then delivers on every channel, skipping what the ledger says
/// was already delivered so that a redelivered job is not pushed twice.
/// </summary>
/// <remarks>
/// Policy, checked when the job is due: nothing when the recipient left the chat, has read the
/// message, has a live stream open, or a newer message of the chat is pending for them (that
/// later job notifies for both: several messages in a short window become one notification);
/// nothing when the chat is muted, unless one of the unread messages mentions <c>@username</c>;
/// nothing in do-not-disturb (the user's status or Microsoft 365), unless mentioned and
/// <see cref="NotificationOptions.DndAllowsMentions"/>. A thread reply notifies the thread's
/// participants as if it mentioned them (NotificationWorker.Threads.cs).
/// </remarks>
public sealed partial class NotificationWorker(
    IUserStore userStore, IChatRoster roster, ISignalStore timeline,
    INotificationSettingsStore settings,
    IPresence presence,
    IDeliveryLedger ledger,
    IEnumerable<INotificationChannel> channels,
    NotificationOptions options,
    TimeProvider time,
    PetitChat.Core.Presence.IPresenceStore? presenceStore = null,
    PetitChat.Core.Presence.PresenceOptions? presenceOptions = null)
{
    private const int UnreadScan = 100;

    private readonly INotificationChannel[] _channels = [.. channels];

    public async Task<JobOutcome> HandleAsync(QueuedJob queued, CancellationToken ct)
    {
        var job = queued.Job;
        if (await ledger.ContainsAsync(job.Id, ct))
        {
            return JobOutcome.Done;
        }

        var wait = job.NotBefore - time.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, ct);
        }

        // Past the wait, a stopping worker finishes the job rather than abandon it between a push
        // and its ledger entry (which would push it again on redelivery). Store and HTTP timeouts
        // bound the time this takes.
        ct = CancellationToken.None;

        var notification = await DecideAsync(job, ct);
        if (notification is null)
        {
            await ledger.AddAsync(job.Id, ct);
            return JobOutcome.Done;
        }

        // Every target at once, each within its own timeout: a slow push service or webhook holds
        // this job for TargetTimeout at most, and never delays the user's other targets.
        List<Task<(string Channel, Delivery Delivery)>> deliveries = [];
        foreach (var channel in _channels)
        {
            foreach (var target in await channel.TargetsAsync(job.UserId, ct))
            {
                var key = $"{job.Id}/{channel.Name}/{target.Key}";
                if (!await ledger.ContainsAsync(key, ct))
                {
                    deliveries.Add(DeliverAsync(channel, target, key, notification));
                }
            }
        }

        string? retry = null;
        TimeSpan? retryAfter = null;
        string? failed = null;
        foreach (var (channel, delivery) in await Task.WhenAll(deliveries))
        {
            switch (delivery.Status)
            {
                case DeliveryStatus.Delivered or DeliveryStatus.Removed:
                    break;
                case DeliveryStatus.Retry:
                    retry = $"{channel}: {delivery.Reason}";
                    retryAfter = Max(retryAfter, delivery.RetryAfter);
                    break;
                default:
                    failed = $"{channel}: {delivery.Reason}";
                    break;
            }
        }

        if (retry is not null)
        {
            return JobOutcome.Retry(failed is null ? retry : $"{retry}; {failed}", retryAfter);
        }

        if (failed is not null)
        {
            return JobOutcome.Fail(failed);
        }

        if (IsTimelineJob(job))
        {
            // Before the job's own key: a worker that dies in between leaves a redelivery that
            // finds these messages covered and sends nothing.
            await ledger.CoverAsync(job.UserId, job.ChatId, notification.SignalId, ct);
        }

        await ledger.AddAsync(job.Id, ct);
        return JobOutcome.Done;
    }

    /// <summary>A chat message's job, whose pushes fold messages and move the ledger's mark (not a call's or a thread reply's).</summary>
    private static bool IsTimelineJob(NotificationJob job) =>
        !job.Id.StartsWith(NotificationJob.CallPrefix, StringComparison.Ordinal) && !job.Id.StartsWith(NotificationJob.ThreadPrefix, StringComparison.Ordinal);

    /// <summary>One target within <see cref="NotificationOptions.TargetTimeout"/>; a delivered one goes in the ledger.</summary>
    private async Task<(string Channel, Delivery Delivery)> DeliverAsync(INotificationChannel channel, ChannelTarget target, string key, Notification notification)
    {
        Delivery delivery;
        using (var timeout = new CancellationTokenSource(options.TargetTimeout, time))
        {
            try
            {
                delivery = await channel.DeliverAsync(target, notification, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                delivery = new Delivery(DeliveryStatus.Retry, $"no answer within {options.TargetTimeout}");
            }
        }

        if (delivery.Status is DeliveryStatus.Delivered or DeliveryStatus.Removed)
        {
            await ledger.AddAsync(key, CancellationToken.None);
        }

        return (channel.Name, delivery);
    }

    /// <summary>The notification to send for this job, or null when the policy says none.</summary>
    public async Task<Notification?> DecideAsync(NotificationJob job, CancellationToken ct)
    {
        if (job.Id.StartsWith(NotificationJob.ThreadPrefix, StringComparison.Ordinal))
        {
            // Thread replies are not in the main timeline, so its read pointer does not cover them.
            return await DecideThreadAsync(job, ct);
        }

        // Either one ends the job; a connected recipient (the common case while a chat is busy)
        // is known without a store read, so presence goes first.
        if (await presence.IsConnectedAsync(job.UserId, ct))
        {
            return null;
        }

        var member = await roster.GetMemberAsync(job.ChatId, job.UserId, ct);
        if (member is null || (member.Read is { } read && read.SignalId.CompareTo(job.SignalId) >= 0))
        {
            return null;
        }

        if (job.Id.StartsWith(NotificationJob.CallPrefix, StringComparison.Ordinal))
        {
            return await DecideCallAsync(job, ct);
        }

        var newer = await timeline.GetSignalsAsync(job.ChatId, new TimelineQuery(null, job.SignalId, 20), ct);
        foreach (var signal in newer)
        {
            if (IsFromOthers(signal, job.UserId))
            {
                return null;
            }
        }

        // No newer message from others, so this one is the newest unread: it and the ones before
        // it back to the read pointer (at most UnreadScan) make the notification.
        var self = await timeline.GetSignalAsync(job.ChatId, job.SignalId, ct);
        if (self is null)
        {
            return null;
        }

        List<Signal> unread = [self, .. await timeline.GetSignalsAsync(job.ChatId, new TimelineQuery(job.SignalId, null, UnreadScan - 1), ct)];
        var recipient = await userStore.GetUserAsync(job.UserId, ct);
        var mention = recipient is null ? null : MentionOf(recipient.Username);
        // Messages an earlier push of this chat covered count as unread but are not covered again,
        // and only new ones can mention: a redelivered or late job finds nothing new and sends nothing.
        var pushed = await ledger.GetCoveredAsync(job.UserId, job.ChatId, ct);
        Signal? latest = null;
        var count = 0;
        var mentioned = false;
        List<Guid> covers = [];
        foreach (var signal in unread)
        {
            if (member.Read is { } pointer && signal.Id.CompareTo(pointer.SignalId) <= 0)
            {
                break;
            }

            if (!IsFromOthers(signal, job.UserId))
            {
                continue;
            }

            latest ??= signal;
            count++;
            if (pushed is null || signal.Id.CompareTo(pushed.Value) > 0)
            {
                covers.Add(signal.Id);
                mentioned |= signal.Mentions.Contains(job.UserId) || (mention is not null && signal.Text is { } body && mention.IsMatch(body));
            }
        }

        if (latest is null || covers.Count == 0 || (!mentioned && await settings.IsMutedAsync(job.ChatId, job.UserId, ct)))
        {
            return null;
        }

        if ((!mentioned || !options.DndAllowsMentions) && await InDoNotDisturbAsync(job.UserId, ct))
        {
            return null;
        }

        var chat = await roster.GetChatAsync(job.ChatId, ct);
        var sender = await userStore.GetUserAsync(latest.SenderId, ct);
        var senderName = sender?.DisplayName ?? "Someone";
        var title = chat is { Kind: ChatKind.Group } ? chat.Name ?? "Group" : senderName;
        // An encrypted message's content is for its members' devices only, never for a push service.
        var text = latest.Encrypted is not null ? "New message" : latest.Text ?? string.Empty;
        var preview = text.Length > options.PreviewLength ? string.Concat(text.AsSpan(0, options.PreviewLength), "…") : text;
        return new Notification(job.Id, job.UserId, job.ChatId, title, latest.Id, latest.SenderId, senderName, preview,
            count, mentioned, latest.CreatedAt)
        {
            Covers = covers,
        };
    }

    /// <summary>The user's status or Microsoft 365 says do not disturb.</summary>
    private async Task<bool> InDoNotDisturbAsync(Guid userId, CancellationToken ct) =>
        presenceStore is not null
        && PetitChat.Core.Presence.PresenceService.IsDoNotDisturb(
            (await presenceStore.GetAsync([userId], ct)).GetValueOrDefault(userId), time.GetUtcNow(),
            presenceOptions ?? new PetitChat.Core.Presence.PresenceOptions());

    /// <summary>
    /// "Incoming call" while the call has not ended: never collapsed with messages, and a muted chat
    /// still rings; do not disturb silences it (a call is not a mention).
    /// </summary>
    private async Task<Notification?> DecideCallAsync(NotificationJob job, CancellationToken ct)
    {
        if (await InDoNotDisturbAsync(job.UserId, ct))
        {
            return null;
        }

        if (await timeline.GetSignalAsync(job.ChatId, job.SignalId, ct) is not { Kind: SignalKind.CallStarted, Call: { } call } started)
        {
            return null;
        }

        foreach (var signal in await timeline.GetSignalsAsync(job.ChatId, new TimelineQuery(null, job.SignalId, 100), ct))
        {
            if (signal.Kind == SignalKind.CallEnded && signal.Call?.CallId == call.CallId)
            {
                return null;
            }
        }

        var chat = await roster.GetChatAsync(job.ChatId, ct);
        var caller = await userStore.GetUserAsync(started.SenderId, ct);
        var callerName = caller?.DisplayName ?? "Someone";
        var title = chat is { Kind: ChatKind.Group } ? chat.Name ?? "Group" : callerName;
        var preview = $"Incoming {(call.Media == CallMedia.Video ? "video" : "audio")} call from {callerName}";
        return new Notification(job.Id, job.UserId, job.ChatId, title, started.Id, started.SenderId, callerName, preview,
            UnreadCount: 1, Mentioned: false, started.CreatedAt)
        {
            CallId = call.CallId,
            Covers = [started.Id],
        };
    }

    private static bool IsFromOthers(Signal signal, Guid userId) => signal.Kind == SignalKind.Message && signal.SenderId != userId;

    // "@name" not inside another word or a longer name; usernames hold letters, digits, '_', '-' and '.'.
    private static Regex MentionOf(string username) => new(
        $@"(?<![\w@.-])@{Regex.Escape(username)}(?![\w-]|\.\w)",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    private static TimeSpan? Max(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
