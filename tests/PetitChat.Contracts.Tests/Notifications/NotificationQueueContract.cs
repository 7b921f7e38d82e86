using PetitChat.Core.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>
/// Every behaviour of <see cref="INotificationQueue"/> with one consumer; each adapter adds a
/// subclass that says how to build it (and may add tests with several workers).
/// </summary>
public abstract class NotificationQueueContract
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>Fast retries so the tests do not wait long: 3 attempts, 50 ms then 100 ms apart.</summary>
    protected static readonly RetryPolicy FastRetry = new()
    {
        MaxAttempts = 3,
        FirstDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>A fresh, empty queue (its own stream on a shared server) with <paramref name="retry"/>.</summary>
    protected abstract Task<INotificationQueue> CreateQueueAsync(RetryPolicy retry);

    protected static NotificationJob Job(Guid userId, int n) =>
        NotificationJob.For(userId, Guid.Empty, new Guid(n, 0, 0, [0, 0, 0, 0, 0, 0, 0, 0]), DateTimeOffset.UnixEpoch);

    /// <summary>Consumes in the background until the returned source is cancelled (and disposed).</summary>
    protected static CancellationTokenSource Consume(INotificationQueue queue, Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler)
    {
        var cts = new CancellationTokenSource();
        _ = Task.Run(() => queue.ConsumeAsync(handler, cts.Token));
        return cts;
    }

    [Fact]
    public async Task Each_job_is_handled_once_and_a_users_jobs_in_order()
    {
        var queue = await CreateQueueAsync(FastRetry);
        var log = new JobLog();
        var users = Enumerable.Range(0, 10).Select(_ => Guid.CreateVersion7()).ToList();
        var jobs = Enumerable.Range(1, 10).SelectMany(n => users.Select(u => Job(u, n))).ToList();
        using var consumer = Consume(queue, (q, _) => Task.FromResult(log.Done(q.Job)));

        await queue.EnqueueAsync(jobs, CancellationToken.None);

        await log.WaitUntilAsync(() => log.TotalDone >= jobs.Count, Wait, "every job");
        Assert.All(jobs, job => Assert.Equal(1, log.DoneCount(job.Id)));
        Assert.All(users, u => Assert.Equal(jobs.Where(j => j.UserId == u).Select(j => j.Id), log.OrderOf(u)));
        await consumer.CancelAsync();
    }

    [Fact]
    public async Task The_same_job_enqueued_twice_is_handled_once()
    {
        var queue = await CreateQueueAsync(FastRetry);
        var log = new JobLog();
        var user = Guid.CreateVersion7();
        using var consumer = Consume(queue, (q, _) => Task.FromResult(log.Done(q.Job)));

        await queue.EnqueueAsync([Job(user, 1)], CancellationToken.None);
        await queue.EnqueueAsync([Job(user, 1), Job(user, 2)], CancellationToken.None);

        await log.WaitUntilAsync(() => log.DoneCount(Job(user, 2).Id) == 1, Wait, "the second job");
        Assert.Equal([Job(user, 1).Id, Job(user, 2).Id], log.OrderOf(user));
        await consumer.CancelAsync();
    }

    [Fact]
    public async Task A_retried_job_is_handed_out_again_and_holds_back_the_users_later_jobs()
    {
        var queue = await CreateQueueAsync(FastRetry);
        var log = new JobLog();
        var user = Guid.CreateVersion7();
        using var consumer = Consume(queue, (q, _) =>
        {
            log.Saw(q);
            return Task.FromResult(q.Job.Id == Job(user, 1).Id && q.Attempt < 3 ? JobOutcome.Retry("push service answered 503") : log.Done(q.Job));
        });

        await queue.EnqueueAsync([Job(user, 1), Job(user, 2)], CancellationToken.None);

        await log.WaitUntilAsync(() => log.DoneCount(Job(user, 2).Id) == 1, Wait, "the second job");
        Assert.Equal([Job(user, 1).Id, Job(user, 2).Id], log.OrderOf(user));
        Assert.Equal([1, 2, 3, 1], log.Seen.Select(s => s.Attempt));
        Assert.Empty(await queue.ReadDeadLettersAsync(10, CancellationToken.None));
        await consumer.CancelAsync();
    }

    [Fact]
    public async Task A_job_that_keeps_failing_is_dead_lettered_with_its_reason_after_the_last_attempt()
    {
        var queue = await CreateQueueAsync(FastRetry);
        var log = new JobLog();
        var user = Guid.CreateVersion7();
        using var consumer = Consume(queue, (q, _) =>
        {
            log.Saw(q);
            return Task.FromResult(q.Job.Id == Job(user, 1).Id ? JobOutcome.Retry("push service answered 503") : log.Done(q.Job));
        });

        await queue.EnqueueAsync([Job(user, 1), Job(user, 2)], CancellationToken.None);

        await log.WaitUntilAsync(() => log.DoneCount(Job(user, 2).Id) == 1, Wait, "the job after the dead one");
        Assert.Equal(3, log.Seen.Count(s => s.Job.Id == Job(user, 1).Id));
        var dead = Assert.Single(await queue.ReadDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(Job(user, 1), dead.Job);
        Assert.Equal(3, dead.Attempts);
        Assert.Contains("503", dead.Reason, StringComparison.Ordinal);
        await consumer.CancelAsync();
    }

    [Fact]
    public async Task A_job_that_cannot_succeed_is_dead_lettered_at_once()
    {
        var queue = await CreateQueueAsync(FastRetry);
        var log = new JobLog();
        var user = Guid.CreateVersion7();
        using var consumer = Consume(queue, (q, _) =>
        {
            log.Saw(q);
            return Task.FromResult(q.Job.Id == Job(user, 1).Id ? JobOutcome.Fail("webhook answered 400") : log.Done(q.Job));
        });

        await queue.EnqueueAsync([Job(user, 1), Job(user, 2)], CancellationToken.None);

        await log.WaitUntilAsync(() => log.DoneCount(Job(user, 2).Id) == 1, Wait, "the job after the dead one");
        Assert.Single(log.Seen, s => s.Job.Id == Job(user, 1).Id);
        var dead = Assert.Single(await queue.ReadDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(("webhook answered 400", 1), (dead.Reason, dead.Attempts));
        await consumer.CancelAsync();
    }

    [Fact]
    public async Task A_handler_that_throws_is_retried()
    {
        var queue = await CreateQueueAsync(FastRetry);
        var log = new JobLog();
        var user = Guid.CreateVersion7();
        using var consumer = Consume(queue, (q, _) =>
        {
            log.Saw(q);
            return q.Attempt == 1 ? throw new InvalidOperationException("store unreachable") : Task.FromResult(log.Done(q.Job));
        });

        await queue.EnqueueAsync([Job(user, 1)], CancellationToken.None);

        await log.WaitUntilAsync(() => log.DoneCount(Job(user, 1).Id) == 1, Wait, "the retried job");
        Assert.Equal([1, 2], log.Seen.Select(s => s.Attempt));
        await consumer.CancelAsync();
    }

    [Fact]
    public async Task A_jobs_body_reaches_the_handler_on_every_attempt_and_stays_in_its_dead_letter()
    {
        var queue = await CreateQueueAsync(FastRetry);
        var log = new JobLog();
        var user = Guid.CreateVersion7();
        var withBody = Job(user, 1) with { Body = """{"type":"signal.created","text":"é ✓ \"quoted\""}""" };
        using var consumer = Consume(queue, (q, _) =>
        {
            log.Saw(q);
            return Task.FromResult(q.Job.Id == withBody.Id ? JobOutcome.Retry("app answered 503") : log.Done(q.Job));
        });

        await queue.EnqueueAsync([withBody, Job(user, 2)], CancellationToken.None);

        await log.WaitUntilAsync(() => log.DoneCount(Job(user, 2).Id) == 1, Wait, "the job after the one with a body");
        Assert.All(log.Seen.Where(s => s.Job.Id == withBody.Id), s => Assert.Equal(withBody.Body, s.Job.Body));
        Assert.Null(log.Seen.Single(s => s.Job.Id == Job(user, 2).Id).Job.Body);
        var dead = Assert.Single(await queue.ReadDeadLettersAsync(10, CancellationToken.None));
        Assert.Equal(withBody, dead.Job);
        await consumer.CancelAsync();
    }
}
