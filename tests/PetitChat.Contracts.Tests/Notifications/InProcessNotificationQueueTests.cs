using Microsoft.Extensions.Logging.Abstractions;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.InProcess.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

public sealed class InProcessNotificationQueueTests : NotificationQueueContract
{
    protected override Task<INotificationQueue> CreateQueueAsync(RetryPolicy retry) =>
        Task.FromResult<INotificationQueue>(new InProcessNotificationQueue(retry, TimeProvider.System, NullLogger<InProcessNotificationQueue>.Instance));

    [Fact]
    public async Task A_lane_keeps_at_most_its_cap_of_jobs_and_a_user_their_newest_ones()
    {
        // One lane: at most 5 jobs in it, 2 waiting per user.
        var queue = new InProcessNotificationQueue(FastRetry, TimeProvider.System, NullLogger<InProcessNotificationQueue>.Instance,
            new LaneOptions { Count = 1, Concurrency = 1, MaxQueued = 5, MaxQueuedPerUser = 2 });
        var (a, b, c, d) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var log = new JobLog();

        // Queued before any consumer runs: a's and b's oldest jobs make way, then the lane is full
        // (a 2, b 2, c 1) and c's second job is dropped.
        await queue.EnqueueAsync([Job(a, 1), Job(a, 2), Job(a, 3), Job(a, 4), Job(b, 1), Job(b, 2), Job(b, 3), Job(c, 1), Job(c, 2)], CancellationToken.None);
        using var consumer = Consume(queue, (q, _) => Task.FromResult(log.Done(q.Job)));
        await log.WaitUntilAsync(() => log.TotalDone >= 5, Wait, "the kept jobs");
        // A job queued once the lane has room again is taken: the caps bound the backlog, not the lane's life.
        await queue.EnqueueAsync([Job(d, 1)], CancellationToken.None);
        await log.WaitUntilAsync(() => log.DoneCount(Job(d, 1).Id) == 1, Wait, "the later job");

        Assert.Equal([Job(a, 3).Id, Job(a, 4).Id], log.OrderOf(a));
        Assert.Equal([Job(b, 2).Id, Job(b, 3).Id], log.OrderOf(b));
        Assert.Equal([Job(c, 1).Id], log.OrderOf(c));
        Assert.Equal(6, log.TotalDone);
        await consumer.CancelAsync();
    }

    [Fact]
    public async Task Every_kind_of_job_reaches_the_handler_as_it_was_queued_and_once()
    {
        // The queue keeps the planner's three kinds as their ids' parts while they wait and makes
        // them again when due; anything else it keeps as it is. Either way the handler gets a job
        // equal to the one queued, and a repeat is taken once.
        var queue = new InProcessNotificationQueue(FastRetry, TimeProvider.System, NullLogger<InProcessNotificationQueue>.Instance);
        var (user, other, chat, signal) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        var due = new DateTimeOffset(2026, 12, 3, 18, 0, 0, TimeSpan.FromHours(2));
        NotificationJob[] jobs =
        [
            NotificationJob.For(user, chat, signal, due),
            NotificationJob.ForCall(user, chat, signal, due),
            NotificationJob.ForThread(user, chat, signal, due),
            NotificationJob.For(user, chat, signal, due) with { Body = """{"type":"signal.created"}""" },
            new($"{signal:N}.{other:N}", user, chat, signal, due),
            new($"{signal:N}.{user:N}".ToUpperInvariant(), user, chat, signal, due),
            new("digest.1", user, chat, signal, due),
        ];
        var log = new JobLog();
        var handled = new System.Collections.Concurrent.ConcurrentQueue<NotificationJob>();

        await queue.EnqueueAsync(jobs, CancellationToken.None);
        using var consumer = Consume(queue, (q, _) =>
        {
            handled.Enqueue(q.Job);
            return Task.FromResult(log.Done(q.Job));
        });
        await log.WaitUntilAsync(() => log.TotalDone >= 6, Wait, "the jobs");
        await queue.EnqueueAsync(jobs, CancellationToken.None);
        await queue.EnqueueAsync([Job(user, 1)], CancellationToken.None);
        await log.WaitUntilAsync(() => log.DoneCount(Job(user, 1).Id) == 1, Wait, "the job after the repeats");

        // The job with a body has the id of the first: taken once, as before.
        Assert.Equal([.. jobs.Where((_, i) => i != 3), Job(user, 1)], handled);
        await consumer.CancelAsync();
    }
}
