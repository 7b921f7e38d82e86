namespace PetitChat.Core.Notifications;

/// <summary>
/// The per-user notification queue: in-process on a laptop, NATS JetStream across nodes.
/// Each recipient has their own topic; any number of workers consume them as one group.
/// </summary>
public interface INotificationQueue
{
    /// <summary>
    /// Queues jobs, each on its recipient's topic. Completes once they are durable in the queue;
    /// a job whose <see cref="NotificationJob.Id"/> was queued moments ago is not queued twice.
    /// </summary>
    Task EnqueueAsync(IReadOnlyCollection<NotificationJob> jobs, CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="handler"/> over queued jobs until <paramref name="ct"/> is cancelled.
    /// Every job is handed to exactly one handler at a time across all consumers, and the jobs of
    /// one user are handed out one after the other in queue order (a later job waits while an
    /// earlier one is retried); on NATS, jobs queued to wait for their due time join that order when
    /// due, so a user's jobs of different chats follow their due times (decision 24). A job is acknowledged only after the handler returns
    /// <see cref="DoneOutcome"/> or after it is dead-lettered: on <see cref="FailOutcome"/>, or on
    /// <see cref="RetryOutcome"/> at the last allowed attempt. A consumer that dies mid-job
    /// (no outcome) leaves the job to be handed out again, with a higher attempt number.
    /// </summary>
    Task ConsumeAsync(Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct);

    /// <summary>The most recent dead letters, newest last, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken ct);
}
