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

    /// <summary>
    /// How long a target's timeout waits once more before it cancels: a worker process that was paused
    /// (a stopped container, a long collection) finds its timer and the answer that came meanwhile due
    /// together, and the answer must win; cancelled, a push the target has would go again on the retry.
    /// </summary>
    private static readonly TimeSpan PauseGrace = TimeSpan.FromSeconds(1);

    private readonly INotificationChannel[] _channels = [.. channels];

    public async Task<JobOutcome> HandleAsync(QueuedJob queued, CancellationToken ct)
    {
        var job = queued.Job;
        var first = queued.Attempt == 1;
        if (!first && await ledger.ContainsAsync(job.Id, ct))
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

        // The common case while a chat is busy: the recipient has a stream open. A first delivery
        // holds no claim and pushed nothing, so it is done without reading the ledger first (on
        // NATS, a key-value round trip fewer per recipient); its entry still records it as handled.
        if (first && await presence.IsConnectedAsync(job.UserId, ct))
        {
            await ledger.AddAsync(job.Id, ct);
            return JobOutcome.Done;
        }

        if (first && await ledger.ContainsAsync(job.Id, ct))
        {
            return JobOutcome.Done;
        }

        if (queued.Attempt > 1 && IsTimelineJob(job) && await SettleAsync(queued, ct) is { } settled)
        {
            return settled;
        }

        var notification = await DecideAsync(job, null, offline: first, ct);
        if (notification is null)
        {
            return await NothingToPushAsync(queued, holding: false, ct);
        }

        var pending = await PendingAsync(job, ct);
        var claimed = false;
        if (pending.Count > 0 && IsTimelineJob(job))
        {
            var claim = await ClaimAsync(queued, notification, ct);
            if (claim.Outcome is { } later)
            {
                return later;
            }

            if (claim.Push is null)
            {
                return await NothingToPushAsync(queued, claim.Claimed, ct);
            }

            (notification, claimed) = (claim.Push, claim.Claimed);
        }

        // Every target at once, each within its own timeout: a slow push service or webhook holds
        // this job for TargetTimeout at most, and never delays the user's other targets.
        var deliveries = pending.Select(p => DeliverAsync(p.Channel, p.Target, p.Key, notification)).ToList();

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
            if (claimed)
            {
                // A target may have the push (a timeout says nothing): the claim passes to this job's
                // next delivery, which skips the targets that had it, so no other job covers these
                // messages meanwhile. On the last attempt nothing comes back for it: it goes.
                await ledger.ChangeMarkAsync(job.UserId, job.ChatId, queued.Attempt < options.Retry.MaxAttempts
                    ? mark => mark.HandedBack(job.Id, queued.Attempt)
                    : mark => mark.Released(job.Id), ct);
            }

            return JobOutcome.Retry(failed is null ? retry : $"{retry}; {failed}", retryAfter);
        }

        if (failed is not null)
        {
            if (claimed)
            {
                await ledger.ChangeMarkAsync(job.UserId, job.ChatId, mark => mark.Released(job.Id), ct);
            }

            return JobOutcome.Fail(failed);
        }

        if (IsTimelineJob(job))
        {
            // Before the job's own key: a worker that dies in between leaves a redelivery that
            // finds these messages covered and sends nothing. One write moves the mark and drops the claim.
            await ledger.ChangeMarkAsync(job.UserId, job.ChatId, mark => mark.Committed(notification.SignalId, job.Id), ct);
        }

        await ledger.AddAsync(job.Id, ct);
        return JobOutcome.Done;
    }

    /// <summary>The job's channel targets that the ledger does not record as delivered.</summary>
    private async Task<List<(INotificationChannel Channel, ChannelTarget Target, string Key)>> PendingAsync(NotificationJob job, CancellationToken ct)
    {
        List<(INotificationChannel Channel, ChannelTarget Target, string Key)> pending = [];
        foreach (var channel in _channels)
        {
            foreach (var target in await channel.TargetsAsync(job.UserId, ct))
            {
                var key = $"{job.Id}/{channel.Name}/{target.Key}";
                if (!await ledger.ContainsAsync(key, ct))
                {
                    pending.Add((channel, target, key));
                }
            }
        }

        return pending;
    }

    /// <summary>
    /// A redelivered job first settles what an earlier delivery of it left (one read when it left no
    /// claim): a push that every target got (the worker failed or paused before committing) is committed
    /// now, so no later push covers its messages again; a delivery that may still be sending (its claim
    /// lives, not handed back) is waited for, not pushed beside. Null: go on as a first delivery would.
    /// </summary>
    private async Task<JobOutcome?> SettleAsync(QueuedJob queued, CancellationToken ct)
    {
        var job = queued.Job;
        var mark = await ledger.ChangeMarkAsync(job.UserId, job.ChatId, m => m, ct);
        if (mark.Claim is not { } claim || claim.JobId != job.Id)
        {
            return null;
        }

        if ((await PendingAsync(job, ct)).Count == 0)
        {
            await ledger.ChangeMarkAsync(job.UserId, job.ChatId, m => m.Committed(claim.UpTo, job.Id), ct);
            await ledger.AddAsync(job.Id, ct);
            return JobOutcome.Done;
        }

        var now = time.GetUtcNow();
        return claim.Until > now && !claim.Lets(job.Id, queued.Attempt) && queued.Attempt < options.Retry.MaxAttempts
            ? JobOutcome.Retry($"an earlier delivery of this job may still be pushing it, until {claim.Until:O}", claim.Until - now)
            : null;
    }

    /// <summary>
    /// Claims the chat's pushes to the user for this delivery of the job before anything is sent
    /// (decision 20): while another job's claim lasts, this job goes back to the queue until it ends,
    /// rather than cover the messages that job's push may already have covered. A push committed since
    /// <paramref name="notification"/> was decided is taken into account by deciding again.
    /// </summary>
    private async Task<(Notification? Push, bool Claimed, JobOutcome? Outcome)> ClaimAsync(QueuedJob queued, Notification notification, CancellationToken ct)
    {
        var job = queued.Job;
        var now = time.GetUtcNow();
        var claim = new PushClaim(job.Id, queued.Attempt, notification.SignalId, now + options.ClaimLease);
        var mark = await ledger.ChangeMarkAsync(job.UserId, job.ChatId, m => m.Claimed(claim, now), ct);
        if (mark.Claim != claim)
        {
            var held = mark.Claim!;
            if (queued.Attempt < options.Retry.MaxAttempts)
            {
                return (null, false, JobOutcome.Retry($"job {held.JobId} is pushing this chat to the user until {held.Until:O}", held.Until - now));
            }

            // The job's last attempt: a push that may repeat the holder's beats one never sent.
            return (notification, false, null);
        }

        if (mark.Covered is { } covered && notification.Covers.Any(id => id.CompareTo(covered) <= 0))
        {
            return (await DecideAsync(job, mark, offline: false, ct), true, null);
        }

        return (notification, true, null);
    }

    /// <summary>
    /// Nothing to push: the job is done. A claim it holds goes, and so may one of a redelivery's (an
    /// earlier delivery handed it back, or took it and then failed), so that the chat's next push need
    /// not wait for its lease; a first delivery that took none writes nothing.
    /// </summary>
    private async Task<JobOutcome> NothingToPushAsync(QueuedJob queued, bool holding, CancellationToken ct)
    {
        var job = queued.Job;
        if ((holding || queued.Attempt > 1) && IsTimelineJob(job))
        {
            await ledger.ChangeMarkAsync(job.UserId, job.ChatId, mark => mark.Released(job.Id), ct);
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
        using (var timeout = new CancellationTokenSource())
        {
            var sending = channel.DeliverAsync(target, notification, timeout.Token);
            if (!await FinishesWithinAsync(sending, options.TargetTimeout) && !await FinishesWithinAsync(sending, PauseGrace))
            {
                await timeout.CancelAsync();
            }

            try
            {
                delivery = await sending;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                delivery = new Delivery(DeliveryStatus.Retry, $"no answer within {options.TargetTimeout}");
            }
        }

        if (delivery.Status is DeliveryStatus.Delivered or DeliveryStatus.Removed)
        {
            await RecordAsync(key);
        }

        return (channel.Name, delivery);
    }

    private async Task<bool> FinishesWithinAsync(Task task, TimeSpan limit)
    {
        try
        {
            await task.WaitAsync(limit, time);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
#pragma warning disable CA1031 // Only whether it finished: the caller awaits the task and meets its failure.
        catch (Exception)
#pragma warning restore CA1031
        {
            return true;
        }
    }

    /// <summary>
    /// Records a target's push in the ledger, trying again while the ledger fails (a NATS server that
    /// restarts) for up to half the claim's lease, so within it: a push the target has but the ledger
    /// does not goes again, with the same delivery id, on the job's next delivery.
    /// </summary>
    private async Task RecordAsync(string key)
    {
        var until = time.GetUtcNow() + options.ClaimLease / 2;
        var wait = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await ledger.AddAsync(key, CancellationToken.None);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && time.GetUtcNow() + wait < until)
            {
                await Task.Delay(wait, time);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.TicksPerSecond * 2));
            }
        }
    }

    /// <summary>The notification to send for this job, or null when the policy says none.</summary>
    public Task<Notification?> DecideAsync(NotificationJob job, CancellationToken ct) => DecideAsync(job, null, offline: false, ct);

    /// <summary>
    /// The decision, from <paramref name="known"/>'s covered mark when the caller holds the chat's claim
    /// (else read here); <paramref name="offline"/> when the caller has just found the recipient without a stream.
    /// </summary>
    private async Task<Notification?> DecideAsync(NotificationJob job, PushMark? known, bool offline, CancellationToken ct)
    {
        if (job.Id.StartsWith(NotificationJob.ThreadPrefix, StringComparison.Ordinal))
        {
            // Thread replies are not in the main timeline, so its read pointer does not cover them.
            return await DecideThreadAsync(job, offline, ct);
        }

        // Either one ends the job; a connected recipient (the common case while a chat is busy)
        // is known without a store read, so presence goes first.
        if (!offline && await presence.IsConnectedAsync(job.UserId, ct))
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
        var pushed = known is null ? await ledger.GetCoveredAsync(job.UserId, job.ChatId, ct) : known.Covered;
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
