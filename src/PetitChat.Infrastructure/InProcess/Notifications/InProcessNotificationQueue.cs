using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Notifications;

namespace PetitChat.Infrastructure.InProcess.Notifications;

/// <summary>
/// The embedded queue: users are spread over <see cref="Lanes"/> in-memory lanes, each lane handled
/// by one loop, so a user's jobs run in order and a retry holds back the jobs behind it. One
/// consumer (the server's own worker); jobs are lost when the process stops, which is what
/// "embedded" trades for needing nothing installed (NATS keeps them across restarts).
/// </summary>
public sealed partial class InProcessNotificationQueue(RetryPolicy retry, TimeProvider time, ILogger<InProcessNotificationQueue> logger)
    : INotificationQueue
{
    public const int Lanes = 16;
    private const int MaxDeadLetters = 1_000;
    private const int RecentIds = 10_000;

    private readonly Channel<NotificationJob>[] _lanes = [.. Enumerable.Range(0, Lanes).Select(_ => Channel.CreateUnbounded<NotificationJob>())];
    private readonly Queue<DeadLetter> _deadLetters = new();
    private readonly HashSet<string> _recent = [];
    private readonly Queue<string> _recentOrder = new();
    private int _consuming;

    public Task EnqueueAsync(IReadOnlyCollection<NotificationJob> jobs, CancellationToken ct)
    {
        foreach (var job in jobs)
        {
            if (Remember(job.Id))
            {
                _lanes[LaneOf(job.UserId)].Writer.TryWrite(job);
            }
        }

        return Task.CompletedTask;
    }

    public async Task ConsumeAsync(Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _consuming, 1) == 1)
        {
            throw new InvalidOperationException("The in-process queue has one consumer; run NATS for several workers.");
        }

        try
        {
            await Task.WhenAll(_lanes.Select(lane => Task.Run(() => RunLaneAsync(lane.Reader, handler, ct), CancellationToken.None)));
        }
        finally
        {
            Volatile.Write(ref _consuming, 0);
        }
    }

    public Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken ct)
    {
        lock (_deadLetters)
        {
            return Task.FromResult<IReadOnlyList<DeadLetter>>([.. _deadLetters.Skip(Math.Max(0, _deadLetters.Count - max))]);
        }
    }

    private async Task RunLaneAsync(ChannelReader<NotificationJob> lane, Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct)
    {
        try
        {
            // Peek, not read: the job stays at the head of its lane until it is done or dead-lettered.
            while (await lane.WaitToReadAsync(ct))
            {
                if (!lane.TryPeek(out var job))
                {
                    continue;
                }

                for (var attempt = 1; ; attempt++)
                {
                    JobOutcome outcome;
                    try
                    {
                        outcome = await handler(new QueuedJob(job, attempt), ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                    {
                        outcome = JobOutcome.Retry($"the worker failed: {e.GetType().Name}: {e.Message}");
                    }

                    if (outcome is RetryOutcome { Reason: var reason, After: var after } && attempt < retry.MaxAttempts)
                    {
                        LogRetry(job.Id, attempt, reason);
                        await Task.Delay(retry.DelayAfter(attempt, after), time, ct);
                        continue;
                    }

                    if (outcome is RetryOutcome or FailOutcome)
                    {
                        var why = outcome is RetryOutcome r ? $"gave up after {attempt} attempts: {r.Reason}" : ((FailOutcome)outcome).Reason;
                        DeadLetterOf(new DeadLetter(job, why, attempt, time.GetUtcNow()));
                    }

                    break;
                }

                lane.TryRead(out _);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private void DeadLetterOf(DeadLetter deadLetter)
    {
        LogDeadLetter(deadLetter.Job.Id, deadLetter.Job.UserId, deadLetter.Attempts, deadLetter.Reason);
        lock (_deadLetters)
        {
            _deadLetters.Enqueue(deadLetter);
            if (_deadLetters.Count > MaxDeadLetters)
            {
                _deadLetters.Dequeue();
            }
        }
    }

    private bool Remember(string id)
    {
        lock (_recent)
        {
            if (!_recent.Add(id))
            {
                return false;
            }

            _recentOrder.Enqueue(id);
            if (_recentOrder.Count > RecentIds)
            {
                _recent.Remove(_recentOrder.Dequeue());
            }

            return true;
        }
    }

    private static int LaneOf(Guid userId) => (int)(UserHash.Of(userId) % Lanes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification job {JobId} attempt {Attempt} will be retried: {Reason}")]
    private partial void LogRetry(string jobId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification job {JobId} for {UserId} dead-lettered after {Attempts} attempt(s): {Reason}")]
    private partial void LogDeadLetter(string jobId, Guid userId, int attempts, string reason);
}
