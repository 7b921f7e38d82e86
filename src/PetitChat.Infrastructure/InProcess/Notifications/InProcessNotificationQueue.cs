using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Notifications;

namespace PetitChat.Infrastructure.InProcess.Notifications;

/// <summary>
/// The embedded queue: users are spread over in-memory lanes (<see cref="LaneOptions"/>). In a lane,
/// a user's jobs run one at a time and in order, and a retry holds back only that user's jobs:
/// other users' jobs run beside it (a bounded number at once), and a job waiting for its retry or
/// its due time holds no slot, so one slow or hostile endpoint cannot stall the lane. Lanes and
/// users' queues are bounded. One consumer (the server's own worker); jobs are lost when the process
/// stops, which is what "embedded" trades for needing nothing installed (NATS keeps them across restarts).
/// </summary>
public sealed partial class InProcessNotificationQueue(RetryPolicy retry, TimeProvider time, ILogger<InProcessNotificationQueue> logger,
    LaneOptions? lanes = null) : INotificationQueue
{
    private const int MaxDeadLetters = 1_000;
    private const int RecentIds = 10_000;

    private readonly LaneOptions _options = lanes ?? LaneOptions.Default;
    private readonly Lane[] _lanes = [.. Enumerable.Range(0, (lanes ?? LaneOptions.Default).Count).Select(_ => new Lane((lanes ?? LaneOptions.Default).Concurrency))];
    private readonly Queue<DeadLetter> _deadLetters = new();
    private readonly HashSet<Waiting.Key> _recent = [];
    private readonly Queue<Waiting.Key> _recentOrder = new();
    private readonly DropWarnings _laneFull = new();
    private readonly DropWarnings _userFull = new();
    private int _consuming;

    public Task EnqueueAsync(IReadOnlyCollection<NotificationJob> jobs, CancellationToken ct)
    {
        foreach (var job in jobs)
        {
            var key = Waiting.Key.Of(job.Id);
            if (Remember(key))
            {
                Add(_lanes[LaneOf(job.UserId)], job.UserId, Waiting.Of(job, key));
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
            await Task.WhenAll(_lanes.Select(lane => Task.Run(() => RunLaneAsync(lane, handler, ct), CancellationToken.None)));
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

    private void Add(Lane lane, Guid userId, Waiting job)
    {
        lock (lane)
        {
            if (lane.Queued >= _options.MaxQueued)
            {
                if (_laneFull.Dropped(time) is { } laneDropped)
                {
                    LogLaneFull(job.ToJob(userId).Id, userId, _options.MaxQueued, laneDropped);
                }

                return;
            }

            if (lane.Users.TryGetValue(userId, out var waiting))
            {
                // The user's runner is on it; past the user's cap the oldest waiting job goes.
                if (waiting.Count >= _options.MaxQueuedPerUser)
                {
                    var dropped = waiting.Dequeue();
                    lane.Queued--;
                    if (_userFull.Dropped(time) is { } userDropped)
                    {
                        LogUserFull(dropped.ToJob(userId).Id, userId, _options.MaxQueuedPerUser, userDropped);
                    }
                }

                waiting.Enqueue(job);
                lane.Queued++;
                return;
            }

            lane.Users[userId] = new Queue<Waiting>([job]);
            lane.Queued++;
            lane.Ready.Writer.TryWrite(userId);
        }
    }

    private async Task RunLaneAsync(Lane lane, Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct)
    {
        var running = new List<Task>();
        try
        {
            await foreach (var userId in lane.Ready.Reader.ReadAllAsync(ct))
            {
                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(() => RunUserAsync(lane, userId, handler, ct), CancellationToken.None));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        await Task.WhenAll(running);
    }

    /// <summary>One user's jobs, in order, until the user has none waiting.</summary>
    private async Task RunUserAsync(Lane lane, Guid userId, Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                NotificationJob job;
                lock (lane)
                {
                    var waiting = lane.Users[userId];
                    if (waiting.Count == 0)
                    {
                        lane.Users.Remove(userId);
                        return;
                    }

                    job = waiting.Dequeue().ToJob(userId);
                }

                try
                {
                    await RunJobAsync(lane, job, handler, ct);
                }
                finally
                {
                    lock (lane)
                    {
                        lane.Queued--;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task RunJobAsync(Lane lane, NotificationJob job, Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct)
    {
        // Its due time is waited for here, not in a slot.
        var due = job.NotBefore - time.GetUtcNow();
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due, time, ct);
        }

        for (var attempt = 1; ; attempt++)
        {
            JobOutcome outcome;
            await lane.Slots.WaitAsync(ct);
            try
            {
                outcome = await handler(new QueuedJob(job, attempt), ct);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                outcome = JobOutcome.Retry($"the worker failed: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                lane.Slots.Release();
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

            return;
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

    private bool Remember(Waiting.Key id)
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

    private int LaneOf(Guid userId) => (int)(UserHash.Of(userId) % (uint)_lanes.Length);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification job {JobId} attempt {Attempt} will be retried: {Reason}")]
    private partial void LogRetry(string jobId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification job {JobId} for {UserId} dead-lettered after {Attempts} attempt(s): {Reason}")]
    private partial void LogDeadLetter(string jobId, Guid userId, int attempts, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification job {JobId} for {UserId} dropped: its lane holds {Max} jobs already ({Dropped} dropped so since the last such warning)")]
    private partial void LogLaneFull(string jobId, Guid userId, int max, long dropped);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification job {JobId} for {UserId} dropped: the user has {Max} jobs waiting, a newer one notifies ({Dropped} dropped so since the last such warning)")]
    private partial void LogUserFull(string jobId, Guid userId, int max, long dropped);

    /// <summary>
    /// Drops of one kind, warned about at most once per <see cref="Interval"/> with how many there
    /// were. A user's cap is reached on every job once a busy chat keeps more than the cap waiting
    /// for its read delay (at 700 messages/s to groups of 10, every job): a warning per drop made the
    /// console logger a twelfth of the server's CPU during a send benchmark (docs/decisions/0014).
    /// </summary>
    private sealed class DropWarnings
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
        private long _dropped;
        private long _lastWarnedAt = long.MinValue;

        /// <summary>Counts a drop; returns how many to warn about now, or null while the last warning is recent.</summary>
        public long? Dropped(TimeProvider time)
        {
            Interlocked.Increment(ref _dropped);
            var now = time.GetTimestamp();
            var last = Volatile.Read(ref _lastWarnedAt);
            if (last != long.MinValue && time.GetElapsedTime(last, now) < Interval)
            {
                return null;
            }

            return Interlocked.CompareExchange(ref _lastWarnedAt, now, last) == last ? Interlocked.Exchange(ref _dropped, 0) : null;
        }
    }

    /// <summary>A lane: its users' waiting jobs, the users ready to run, and the slots its jobs share.</summary>
    private sealed class Lane(int concurrency)
    {
        public Dictionary<Guid, Queue<Waiting>> Users { get; } = [];

        public Channel<Guid> Ready { get; } = Channel.CreateUnbounded<Guid>();

        public SemaphoreSlim Slots { get; } = new(concurrency, concurrency);

        public int Queued { get; set; }
    }

    /// <summary>
    /// A job while it waits in its user's queue, as a value. A message's jobs wait for the read
    /// delay, or until a busy user's cap drops them, long enough to outlive the collector's young
    /// generation: as objects (the job and its 65-character id, about 250 bytes a recipient) they
    /// were most of what every young collection copied under load (docs/decisions/0014,
    /// 2026-12-03 (4)). The three kinds the planner makes are kept as their ids' parts and made
    /// again when due; any other job (an app's delivery, with its body) is kept as it is.
    /// </summary>
    private readonly record struct Waiting(Waiting.Kind Made, Guid ChatId, Guid SignalId, DateTimeOffset NotBefore, NotificationJob? Other)
    {
        public enum Kind : byte
        {
            Other,
            Message,
            Call,
            Thread,
        }

        public static Waiting Of(NotificationJob job, Key key) =>
            key.Made != Kind.Other && job.Body is null && key.SignalId == job.SignalId && key.UserId == job.UserId
                ? new Waiting(key.Made, job.ChatId, job.SignalId, job.NotBefore, null)
                : new Waiting(Kind.Other, default, default, default, job);

        public NotificationJob ToJob(Guid userId) => Made switch
        {
            Kind.Message => NotificationJob.For(userId, ChatId, SignalId, NotBefore),
            Kind.Call => NotificationJob.ForCall(userId, ChatId, SignalId, NotBefore),
            Kind.Thread => NotificationJob.ForThread(userId, ChatId, SignalId, NotBefore),
            _ => Other!,
        };

        /// <summary>
        /// A job's id as the queue remembers it to take the job once: the parts of an id that one of
        /// the planner's factories makes (exactly, lower-case hex), else the id itself.
        /// </summary>
        public readonly record struct Key(Kind Made, Guid SignalId, Guid UserId, string? OtherId)
        {
            public static Key Of(string id)
            {
                var (made, prefix) = id.StartsWith(NotificationJob.CallPrefix, StringComparison.Ordinal) ? (Kind.Call, NotificationJob.CallPrefix)
                    : id.StartsWith(NotificationJob.ThreadPrefix, StringComparison.Ordinal) ? (Kind.Thread, NotificationJob.ThreadPrefix)
                    : (Kind.Message, "");
                var parts = id.AsSpan(prefix.Length);
                if (parts.Length == 65 && parts[32] == '.'
                    && Guid.TryParseExact(parts[..32], "N", out var signalId) && Guid.TryParseExact(parts[33..], "N", out var userId))
                {
                    // Made again from its parts, the id must come out the same (not upper-case hex).
                    Span<char> again = stackalloc char[65];
                    signalId.TryFormat(again, out _, "N");
                    again[32] = '.';
                    userId.TryFormat(again[33..], out _, "N");
                    if (parts.SequenceEqual(again))
                    {
                        return new Key(made, signalId, userId, null);
                    }
                }

                return new Key(Kind.Other, Guid.Empty, Guid.Empty, id);
            }
        }
    }
}
