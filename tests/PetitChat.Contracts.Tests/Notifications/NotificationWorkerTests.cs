using PetitChat.Contracts.Tests.Events;
using PetitChat.Core.Chats;
using PetitChat.Core.Notifications;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.InProcess.Notifications;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>
/// The worker's idempotency across workers: two workers (their own ledger clients on one NATS
/// bucket) over the real SQLite store, as when a job is redelivered after its first worker
/// delivered it and died before acknowledging.
/// </summary>
public sealed class NotificationWorkerTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IAsyncLifetime, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly RecordingChannel _channel = new();
    private SqliteChatStore _store = null!;
    private SqliteNotificationSettingsStore _settings = null!;
    private NatsWorker _first = null!;
    private NatsWorker _second = null!;

    [Fact]
    public async Task A_job_redelivered_after_its_worker_delivered_it_is_not_delivered_again()
    {
        var job = await MessageJobAsync();

        Assert.Equal(JobOutcome.Done, await WorkerOver(_first).HandleAsync(new QueuedJob(job, 1), CancellationToken.None));
        Assert.Equal(JobOutcome.Done, await WorkerOver(_second).HandleAsync(new QueuedJob(job, 2), CancellationToken.None));

        Assert.Single(_channel.Delivered);
    }

    [Fact]
    public async Task A_retry_delivers_only_to_the_targets_that_failed()
    {
        _channel.TargetKeys = ["phone", "laptop"];
        _channel.AnswerNext("laptop", new Delivery(DeliveryStatus.Retry, "push service answered 503"));
        var job = await MessageJobAsync();

        var first = await WorkerOver(_first).HandleAsync(new QueuedJob(job, 1), CancellationToken.None);
        var second = await WorkerOver(_second).HandleAsync(new QueuedJob(job, 2), CancellationToken.None);

        Assert.Equal("recording: push service answered 503", Assert.IsType<RetryOutcome>(first).Reason);
        Assert.Equal(JobOutcome.Done, second);
        Assert.Equal(["phone", "laptop"], _channel.Delivered.Select(d => d.Target));
    }

    [Fact]
    public async Task A_target_that_cannot_be_reached_fails_the_job_with_the_reason()
    {
        _channel.AnswerNext("device-1", new Delivery(DeliveryStatus.Failed, "hooks.example resolves to a private address"));
        var job = await MessageJobAsync();

        var outcome = await WorkerOver(_first).HandleAsync(new QueuedJob(job, 1), CancellationToken.None);

        Assert.Equal("recording: hooks.example resolves to a private address", Assert.IsType<FailOutcome>(outcome).Reason);
    }

    [Fact]
    public async Task A_long_unread_backlog_still_notifies_with_the_newest_message_and_a_capped_count()
    {
        var job = await MessageJobAsync();
        var last = job;
        // Strictly increasing ids, as the server assigns them (CreateVersion7 is random within a millisecond).
        var ids = new PetitChat.Core.Common.Ids(TimeProvider.System);
        for (var i = 0; i < 120; i++)
        {
            var signal = new Signal(ids.Next(), job.ChatId, SignalKind.Message, (await _store.GetMembersAsync(job.ChatId, CancellationToken.None))
                .First(m => m.UserId != job.UserId).UserId, $"more {i}", $"m{i}", DateTimeOffset.UtcNow, null, null, []);
            await _store.AppendSignalAsync(signal, CancellationToken.None);
            last = NotificationJob.For(job.UserId, job.ChatId, signal.Id, DateTimeOffset.UtcNow);
        }

        var notification = await WorkerOver(_first).DecideAsync(last, CancellationToken.None);
        var earlier = await WorkerOver(_first).DecideAsync(job, CancellationToken.None);

        Assert.NotNull(notification);
        Assert.Equal((last.SignalId, 100, "more 119"), (notification.SignalId, notification.UnreadCount, notification.Preview));
        Assert.Null(earlier);
    }

    public async Task InitializeAsync()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, "store.db") };
        _store = new SqliteChatStore(options);
        _settings = new SqliteNotificationSettingsStore(options);
        var natsOptions = NatsWorker.OptionsFor(nats.Server.Url);
        _first = await NatsWorker.StartAsync(natsOptions, RetryPolicy.Default);
        _second = await NatsWorker.StartAsync(natsOptions, RetryPolicy.Default);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    public void Dispose()
    {
        _store.Dispose();
        _settings.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private NotificationWorker WorkerOver(NatsWorker worker) =>
        new(_store, _store, _store, _settings, new InProcessPresence(), worker.Ledger, [_channel], new NotificationOptions { ReadDelay = TimeSpan.Zero }, TimeProvider.System);

    /// <summary>Alice sends Bob a message; the job for Bob, already due.</summary>
    private async Task<NotificationJob> MessageJobAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var alice = await _store.UpsertUserAsync(new UserClaims("alice-" + Guid.NewGuid(), "alice", "Alice", []), Guid.CreateVersion7(), now, CancellationToken.None);
        var bob = await _store.UpsertUserAsync(new UserClaims("bob-" + Guid.NewGuid(), "bob", "Bob", []), Guid.CreateVersion7(), now, CancellationToken.None);
        var (chat, _) = await _store.CreateChatAsync(new Chat(Guid.CreateVersion7(), ChatKind.Direct, null, alice.Id, now, now, null), [alice.Id, bob.Id], CancellationToken.None);
        var signal = new Signal(Guid.CreateVersion7(), chat.Id, SignalKind.Message, alice.Id, "hello", "c1", now, null, null, []);
        await _store.AppendSignalAsync(signal, CancellationToken.None);
        return NotificationJob.For(bob.Id, chat.Id, signal.Id, now);
    }
}
