using PetitChat.Core.Chats;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Notifications;

/// <summary>
/// Queues one job per recipient of a new message (every member but the sender), due after the
/// read delay, and one per member but the starter of a call, due at once. Whether a job ends in a notification is decided when it is due
/// (<see cref="NotificationWorker"/>), because reading, connecting and muting happen in between.
/// </summary>
public sealed class NotificationPlanner(IChatRoster roster, INotificationQueue queue, NotificationOptions options)
{
    /// <summary>
    /// For a call that started, without the request's cancellation. A queue that fails does not fail
    /// the start: the queue adapter logs the failure and this ring is lost, as a call rings now or
    /// never (a start repeated finds the call running and rings nobody).
    /// </summary>
    public async Task PlanAsync(Signal signal)
    {
        try
        {
            await PlanAsync(signal, members: null);
        }
#pragma warning disable CA1031 // Logged by the queue adapter; see the summary.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Queues the jobs of a message stored, with the chat's members already read after the write
    /// (the send reads them once for its pushes and its live events). A queue that fails throws
    /// <see cref="NotificationQueueUnavailableException"/>: the send answers 503 "saved", and its
    /// repeat with the same clientId queues the jobs again, so no push is lost to an outage.
    /// </summary>
    public async Task PlanAsync(Signal signal, IReadOnlyList<ChatMember>? members)
    {
        // An incoming call rings now: no read delay, and its job is never collapsed with messages.
        var isCall = signal.Kind == SignalKind.CallStarted && signal.Call is not null;
        if (signal.Kind != SignalKind.Message && !isCall)
        {
            return;
        }

        members ??= await roster.GetMembersAsync(signal.ChatId, CancellationToken.None);
        var notBefore = isCall ? signal.CreatedAt : signal.CreatedAt + options.ReadDelay;
        var jobs = new List<NotificationJob>(members.Count);
        foreach (var member in members)
        {
            if (member.UserId != signal.SenderId)
            {
                jobs.Add(isCall
                    ? NotificationJob.ForCall(member.UserId, signal.ChatId, signal.Id, notBefore)
                    : NotificationJob.For(member.UserId, signal.ChatId, signal.Id, notBefore));
            }
        }

        await EnqueueAsync(jobs);
    }

    /// <summary>
    /// A thread reply: one job per participant of the thread but its sender (the others get no
    /// push for it, as in Slack), due after the read delay; the worker decides it as a mention.
    /// A queue that fails throws as in <see cref="PlanAsync(Signal, IReadOnlyList{ChatMember})"/>.
    /// </summary>
    public async Task PlanThreadAsync(Signal reply, IReadOnlyList<Guid> participantIds)
    {
        var jobs = new List<NotificationJob>(participantIds.Count);
        foreach (var userId in participantIds)
        {
            if (userId != reply.SenderId)
            {
                jobs.Add(NotificationJob.ForThread(userId, reply.ChatId, reply.Id, reply.CreatedAt + options.ReadDelay));
            }
        }

        await EnqueueAsync(jobs);
    }

    /// <summary>The queue's own failure (logged by its adapter) as <see cref="NotificationQueueUnavailableException"/>.</summary>
    private async Task EnqueueAsync(List<NotificationJob> jobs)
    {
        if (jobs.Count == 0)
        {
            return;
        }

        try
        {
            await queue.EnqueueAsync(jobs, CancellationToken.None);
        }
        catch (Exception e)
        {
            throw new NotificationQueueUnavailableException($"The notification queue did not take {jobs.Count} job(s): {e.Message}", e);
        }
    }
}
