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
    /// Called after the message is stored and published, without the request's cancellation. A
    /// queue that fails does not fail the send (the message is stored and the client told so): the
    /// queue adapter logs the failure and this message's push is lost, which is the lesser harm.
    /// </summary>
    public Task PlanAsync(Signal signal) => PlanAsync(signal, members: null);

    /// <summary>
    /// As <see cref="PlanAsync(Signal)"/>, with the chat's members already read after the write
    /// (the send reads them once for its pushes and its live events).
    /// </summary>
    public async Task PlanAsync(Signal signal, IReadOnlyList<ChatMember>? members)
    {
        // An incoming call rings now: no read delay, and its job is never collapsed with messages.
        var isCall = signal.Kind == SignalKind.CallStarted && signal.Call is not null;
        if (signal.Kind != SignalKind.Message && !isCall)
        {
            return;
        }

        try
        {
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

            if (jobs.Count > 0)
            {
                await queue.EnqueueAsync(jobs, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // Logged by the queue adapter; see the summary.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// A thread reply: one job per participant of the thread but its sender (the others get no
    /// push for it, as in Slack), due after the read delay; the worker decides it as a mention.
    /// Failures are swallowed as in <see cref="PlanAsync"/>.
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

        try
        {
            if (jobs.Count > 0)
            {
                await queue.EnqueueAsync(jobs, CancellationToken.None);
            }
        }
#pragma warning disable CA1031 // Logged by the queue adapter; see PlanAsync.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
