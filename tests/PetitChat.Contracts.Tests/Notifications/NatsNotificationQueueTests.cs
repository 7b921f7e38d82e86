using PetitChat.Contracts.Tests.Events;
using PetitChat.Core.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>The queue contract on a real nats-server, plus what only a queue shared by several workers can show.</summary>
public sealed class NatsNotificationQueueTests(NatsServerFixture nats) : NotificationQueueContract, IClassFixture<NatsServerFixture>, IAsyncLifetime
{
    private readonly List<NatsWorker> _workers = [];

    protected override async Task<INotificationQueue> CreateQueueAsync(RetryPolicy retry) =>
        (await WorkerAsync(NatsWorker.OptionsFor(nats.Server.Url), retry)).Queue;

    [Fact]
    public async Task Three_workers_handle_the_jobs_of_50_users_each_once_and_each_users_in_order()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url);
        var log = new JobLog();
        var seenBy = new int[3];
        for (var w = 0; w < 3; w++)
        {
            var index = w;
            (await WorkerAsync(options, FastRetry)).Consume((q, _) =>
            {
                Interlocked.Increment(ref seenBy[index]);
                return Task.FromResult(log.Done(q.Job));
            });
        }

        var users = Enumerable.Range(0, 50).Select(_ => Guid.CreateVersion7()).ToList();
        var jobs = Enumerable.Range(1, 8).SelectMany(n => users.Select(u => Job(u, n))).ToList();
        await _workers[0].Queue.EnqueueAsync(jobs, CancellationToken.None);

        await log.WaitUntilAsync(() => log.TotalDone >= jobs.Count, Wait, "all 400 jobs");
        Assert.All(jobs, job => Assert.Equal(1, log.DoneCount(job.Id)));
        Assert.All(users, u => Assert.Equal(jobs.Where(j => j.UserId == u).Select(j => j.Id), log.OrderOf(u)));
        Assert.Equal(jobs.Count, seenBy.Sum());
        Assert.All(seenBy, n => Assert.True(n > 0, $"every worker took a share; got {string.Join(", ", seenBy)}"));
    }

    [Fact]
    public async Task A_worker_killed_mid_job_leaves_it_to_another_worker_and_no_job_is_lost_or_handled_twice()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url, ackWait: TimeSpan.FromSeconds(2));
        var log = new JobLog();
        var users = Enumerable.Range(0, 50).Select(_ => Guid.CreateVersion7()).ToList();
        var jobs = Enumerable.Range(1, 4).SelectMany(n => users.Select(u => Job(u, n))).ToList();
        var stuck = new TaskCompletionSource<QueuedJob>(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<JobOutcome>();

        var doomed = await WorkerAsync(options, FastRetry);
        var started = 0;
        var inFlight = 0;
        doomed.Consume(async (q, ct) =>
        {
            // From its fifth job on, it hangs, as a process does when it is killed mid-job.
            if (Interlocked.Increment(ref started) >= 5)
            {
                stuck.TrySetResult(q);
                return await never.Task;
            }

            Interlocked.Increment(ref inFlight);
            try
            {
                return await DeliverOnceAsync(doomed, log, q, ct);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
                log.Saw(q);
            }
        });
        for (var w = 0; w < 2; w++)
        {
            var worker = await WorkerAsync(options, FastRetry);
            worker.Consume(async (q, ct) =>
            {
                log.Saw(q);
                return await DeliverOnceAsync(worker, log, q, ct);
            });
        }

        await _workers[0].Queue.EnqueueAsync(jobs, CancellationToken.None);
        var lost = await stuck.Task.WaitAsync(Wait);
        // Killed with its finished jobs possibly unacknowledged: they come back, and the ledger absorbs them.
        await log.WaitUntilAsync(() => Volatile.Read(ref inFlight) == 0, Wait, "the doomed worker's other jobs to finish");
        await doomed.KillAsync();

        await log.WaitUntilAsync(() => jobs.All(j => log.DoneCount(j.Id) > 0), Wait, "every job, the killed worker's one included");
        Assert.All(jobs, job => Assert.Equal(1, log.DoneCount(job.Id)));
        Assert.All(users, u => Assert.Equal(jobs.Where(j => j.UserId == u).Select(j => j.Id), log.OrderOf(u)));
        Assert.Contains(log.Seen, s => s.Job.Id == lost.Job.Id && s.Attempt > lost.Attempt);
        never.TrySetResult(JobOutcome.Done);
    }

    /// <summary>What <see cref="NotificationWorker"/> does around a delivery: skip what the shared ledger has, record after delivering.</summary>
    private static async Task<JobOutcome> DeliverOnceAsync(NatsWorker worker, JobLog log, QueuedJob q, CancellationToken ct)
    {
        if (await worker.Ledger.ContainsAsync(q.Job.Id, ct))
        {
            return JobOutcome.Done;
        }

        log.Done(q.Job);
        await worker.Ledger.AddAsync(q.Job.Id, ct);
        return JobOutcome.Done;
    }

    [Fact]
    public async Task Jobs_wait_in_the_stream_until_a_worker_comes()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url);
        var producer = await WorkerAsync(options, FastRetry);
        var user = Guid.CreateVersion7();
        await producer.Queue.EnqueueAsync([Job(user, 1), Job(user, 2)], CancellationToken.None);

        var log = new JobLog();
        (await WorkerAsync(options, FastRetry)).Consume((q, _) => Task.FromResult(log.Done(q.Job)));

        await log.WaitUntilAsync(() => log.TotalDone == 2, Wait, "both jobs");
        Assert.Equal([Job(user, 1).Id, Job(user, 2).Id], log.OrderOf(user));
    }

    [Fact]
    public async Task A_messages_jobs_to_several_users_go_out_as_one_fan_and_come_back_when_due_but_for_the_users_with_a_stream_open()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url);
        var producer = await WorkerAsync(options, FastRetry);
        var (connected, offline1, offline2) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        await using var stream = await producer.Presence.ConnectAsync(connected, CancellationToken.None);
        var (chatId, signalId) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var due = DateTimeOffset.UtcNow.AddSeconds(1);
        NotificationJob[] jobs = [.. new[] { connected, offline1, offline2 }.Select(u => NotificationJob.For(u, chatId, signalId, due))];

        await producer.Queue.EnqueueAsync(jobs, CancellationToken.None);
        await producer.Queue.EnqueueAsync(jobs, CancellationToken.None);
        var queued = await StreamMessagesAsync(options);
        var log = new JobLog();
        var handedAt = new List<DateTimeOffset>();
        (await WorkerAsync(options, FastRetry)).Consume((q, _) =>
        {
            lock (handedAt)
            {
                handedAt.Add(DateTimeOffset.UtcNow);
            }

            return Task.FromResult(log.Done(q.Job));
        });

        await log.WaitUntilAsync(() => log.TotalDone >= 2, Wait, "the two offline users' jobs");
        // A job not due yet for one user (a direct chat's) waits in a fan too, and is screened alike.
        var alone = NotificationJob.For(connected, chatId, Guid.CreateVersion7(), DateTimeOffset.UtcNow.AddMilliseconds(300));
        await producer.Queue.EnqueueAsync([alone], CancellationToken.None);
        await Task.Delay(300);
        await Task.Delay(700);
        Assert.Equal(1UL, queued);
        Assert.Equal(2, log.TotalDone);
        Assert.Equal(1, log.DoneCount(jobs[1].Id));
        Assert.Equal(1, log.DoneCount(jobs[2].Id));
        Assert.Equal(0, log.DoneCount(jobs[0].Id));
        Assert.Equal(0, log.DoneCount(alone.Id));
        Assert.All(handedAt, at => Assert.True(at >= due, $"handed out at {at:O}, due at {due:O}"));
    }

    /// <summary>Messages in the job stream now (the fan, before any worker takes it).</summary>
    private static async Task<ulong> StreamMessagesAsync(Infrastructure.Nats.Notifications.NatsNotificationOptions options)
    {
        await using var connection = new NATS.Client.Core.NatsConnection(new NATS.Client.Core.NatsOpts { Url = options.Url });
        var js = new NATS.Client.JetStream.NatsJSContext(connection);
        var stream = await js.GetStreamAsync(options.StreamName);
        return (ulong)stream.Info.State.Messages;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var worker in _workers)
        {
            await worker.DisposeAsync();
        }
    }

    private async Task<NatsWorker> WorkerAsync(Infrastructure.Nats.Notifications.NatsNotificationOptions options, RetryPolicy retry)
    {
        var worker = await NatsWorker.StartAsync(options, retry);
        _workers.Add(worker);
        return worker;
    }
}
