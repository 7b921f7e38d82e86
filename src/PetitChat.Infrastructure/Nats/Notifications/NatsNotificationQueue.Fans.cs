using System.Text.Json;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// Fans: jobs not due yet travel as one message until they are (<see cref="NotificationFan"/>).
/// Most recipients of a busy chat have a stream open, and their jobs end on that check alone
/// (<see cref="NotificationWorker.HandleAsync"/>); queued one by one they cost NATS a publish, a
/// delivery, a ledger write and an acknowledgement each. A fan is handed out when it is due, the
/// same check is made for its recipients, and only the others' jobs are published on their users'
/// subjects, with their ids, for the partitions to handle as before. Every job that waits for its
/// due time waits in a fan, so a partition holds only jobs already due: none waits behind another's delay.
/// </summary>
public sealed partial class NatsNotificationQueue
{
    private async Task PublishFanAsync(NotificationFan fan, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(fan, NatsNotificationJson.Default.NotificationFan);
        var ack = await PublishAsync(_options.FanSubjectOf(fan.ChatId), body, fan.Id, ct);
        if (!ack.Duplicate)
        {
            ack.EnsureSuccess();
        }
    }

    private Task ConsumeFansAsync(int partition, CancellationToken ct) =>
        ConsumeEachAsync(FanConsumerName(partition), msg => HandleFanAsync(msg, ct), ct);

    /// <summary>
    /// Waits until the fan is due, then publishes the jobs of the recipients without a stream open, and
    /// only then acknowledges it: a worker that dies in between leaves the fan to another, whose jobs
    /// are stored once (their ids are the message ids). A failure is retried as a job's is; a fan given
    /// up on dead-letters its jobs.
    /// </summary>
    private async Task HandleFanAsync(INatsJSMsg<byte[]> msg, CancellationToken ct)
    {
        var attempt = (int)Math.Min(msg.Metadata?.NumDelivered ?? 1, int.MaxValue);
        NotificationFan? fan = null;
        try
        {
            fan = msg.Data is { Length: > 0 } data ? JsonSerializer.Deserialize(data, NatsNotificationJson.Default.NotificationFan) : null;
        }
        catch (JsonException)
        {
        }

        if (fan is not { Jobs.Count: > 0 })
        {
            LogUnreadable(msg.Subject);
            await msg.AckTerminateAsync(new AckOpts { TerminateReason = "unreadable notification fan" }, CancellationToken.None);
            return;
        }

        string? failure = null;
        try
        {
            await WithProgressAsync(msg, async () =>
            {
                var wait = fan.NotBefore - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct);
                }

                // Past the wait, the fan is finished even when stopping: NATS' timeouts bound it.
                await PublishInOrderAsync(await DueJobsAsync(fan));
                return true;
            }, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            failure = $"{e.GetType().Name}: {e.Message}";
        }

        if (failure is null)
        {
            await msg.AckAsync(new AckOpts { DoubleAck = true }, CancellationToken.None);
        }
        else if (attempt < retry.MaxAttempts)
        {
            var delay = retry.DelayAfter(attempt, null);
            LogRetry(fan.Id, attempt, delay, failure);
            await msg.NakAsync(new AckOpts { NakDelay = delay }, CancellationToken.None);
        }
        else
        {
            foreach (var job in fan.Jobs)
            {
                await PublishDeadLetterAsync(new DeadLetter(job, $"its fan gave up after {attempt} attempts: {failure}", attempt, time.GetUtcNow()));
            }

            await msg.AckAsync(new AckOpts { DoubleAck = true }, CancellationToken.None);
        }
    }

    /// <summary>
    /// The fan's jobs whose recipient has no stream open now: the others' would end on that same check.
    /// An app's job never comes in a fan; a call's neither (see <see cref="NotificationFan.Of"/>).
    /// </summary>
    private async Task<List<NotificationJob>> DueJobsAsync(NotificationFan fan)
    {
        if (presence is null)
        {
            return [.. fan.Jobs];
        }

        var users = fan.Jobs.Select(job => job.UserId).Distinct().ToList();
        var connected = await Task.WhenAll(users.Select(userId => presence.SeemsConnectedAsync(userId, CancellationToken.None)));
        var online = users.Where((_, i) => connected[i]).ToHashSet();
        return [.. fan.Jobs.Where(job => !online.Contains(job.UserId))];
    }

    /// <summary>The jobs on their users' subjects: users side by side, each user's in the fan's order.</summary>
    private Task PublishInOrderAsync(List<NotificationJob> jobs) =>
        Task.WhenAll(jobs.GroupBy(job => job.UserId).Select(async userJobs =>
        {
            foreach (var job in userJobs)
            {
                await PublishJobsAsync([job], CancellationToken.None);
            }
        }));
}
