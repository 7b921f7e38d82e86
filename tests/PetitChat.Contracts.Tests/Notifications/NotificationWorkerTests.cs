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

    [Fact]
    public async Task A_push_covers_only_the_messages_since_the_previous_push_of_the_chat_and_counts_every_unread_one()
    {
        var first = await MessageJobAsync();
        await WorkerOver(_first).HandleAsync(new QueuedJob(first, 1), CancellationToken.None);
        var second = await FollowUpAsync(first, "still there?");
        var third = await FollowUpAsync(second, "hello?");

        Assert.Equal(JobOutcome.Done, await WorkerOver(_second).HandleAsync(new QueuedJob(third, 1), CancellationToken.None));

        var pushes = _channel.Delivered.Select(d => d.Notification).ToList();
        Assert.Equal(2, pushes.Count);
        Assert.Equal([first.SignalId], pushes[0].Covers);
        Assert.Equal([third.SignalId, second.SignalId], pushes[1].Covers);
        Assert.Equal(3, pushes[1].UnreadCount);
    }

    [Fact]
    public async Task A_job_handled_again_without_its_ledger_keys_finds_its_messages_covered_and_sends_nothing()
    {
        // As when a worker died after its push moved the mark and before it wrote the job's key, or
        // the key expired: a new id stands for a job the ledger does not know.
        var first = await MessageJobAsync();
        var second = await FollowUpAsync(first, "and another thing");
        await WorkerOver(_first).HandleAsync(new QueuedJob(second, 1), CancellationToken.None);

        Assert.Equal(JobOutcome.Done, await WorkerOver(_second).HandleAsync(new QueuedJob(second with { Id = second.Id + ".again" }, 2), CancellationToken.None));

        Assert.Equal([second.SignalId, first.SignalId], Assert.Single(_channel.Delivered).Notification.Covers);
    }

    [Fact]
    public async Task While_a_paused_worker_holds_the_chats_claim_neither_a_later_job_nor_a_redelivery_pushes_and_then_each_message_is_covered_once()
    {
        var first = await MessageJobAsync();
        // Worker one's push of the first message reaches the target, then the worker stops (SIGSTOP)
        // before its ledger writes; a later message's job, and the first job handed out again, go to
        // worker two meanwhile.
        var resume = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _channel.HoldAfterDelivering = resume;
        var paused = WorkerOver(_first).HandleAsync(new QueuedJob(first, 1), CancellationToken.None);
        await _channel.Holding.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var second = await FollowUpAsync(first, "are you there?");

        var later = await WorkerOver(_second).HandleAsync(new QueuedJob(second, 1), CancellationToken.None);
        var redelivered = await WorkerOver(_second).HandleAsync(new QueuedJob(first, 2), CancellationToken.None);
        resume.SetResult();
        Assert.Equal(JobOutcome.Done, await paused.WaitAsync(TimeSpan.FromSeconds(30)));
        var laterAgain = await WorkerOver(_second).HandleAsync(new QueuedJob(second, 2), CancellationToken.None);

        var deferred = Assert.IsType<RetryOutcome>(later);
        Assert.StartsWith($"job {first.Id} is pushing this chat", deferred.Reason, StringComparison.Ordinal);
        Assert.InRange(deferred.After!.Value, TimeSpan.FromSeconds(1), new NotificationOptions().ClaimLease);
        Assert.StartsWith("an earlier delivery of this job may still be pushing it", Assert.IsType<RetryOutcome>(redelivered).Reason, StringComparison.Ordinal);
        Assert.Equal(JobOutcome.Done, laterAgain);
        var pushes = _channel.Delivered.Select(d => d.Notification.Covers).ToList();
        Assert.Equal(2, pushes.Count);
        Assert.Equal([first.SignalId], pushes[0]);
        Assert.Equal([second.SignalId], pushes[1]);
    }

    [Fact]
    public async Task A_redelivery_commits_a_push_every_target_got_before_its_worker_failed_so_a_later_job_covers_only_its_own_message()
    {
        var first = await MessageJobAsync();
        // What a worker leaves when the ledger fails (or it dies) after the target's 2xx and its key,
        // before the commit: the claim and the delivered key, no mark.
        var now = DateTimeOffset.UtcNow;
        await _first.Ledger.ChangeMarkAsync(first.UserId, first.ChatId,
            m => m.Claimed(new PushClaim(first.Id, 1, first.SignalId, now + new NotificationOptions().ClaimLease), now), CancellationToken.None);
        await _first.Ledger.AddAsync($"{first.Id}/{_channel.Name}/device-1", CancellationToken.None);
        var second = await FollowUpAsync(first, "still there?");

        Assert.Equal(JobOutcome.Done, await WorkerOver(_second).HandleAsync(new QueuedJob(first, 2), CancellationToken.None));
        Assert.Equal(JobOutcome.Done, await WorkerOver(_second).HandleAsync(new QueuedJob(second, 1), CancellationToken.None));

        Assert.Equal([second.SignalId], Assert.Single(_channel.Delivered).Notification.Covers);
        Assert.Equal(second.SignalId, await _first.Ledger.GetCoveredAsync(first.UserId, first.ChatId, CancellationToken.None));
    }

    [Fact]
    public async Task A_push_the_target_got_while_the_ledger_failed_for_a_moment_as_in_a_jetstream_leader_election_stand_in_is_recorded_and_not_sent_again()
    {
        // The cluster faults run once found a push sent twice with the same delivery id while a
        // nats-server of three restarted: the target's 2xx came, recording it failed, and the job's
        // redelivery sent it again. A client rides out one server's restart by waiting (a single
        // server restarting does not fail the write); the bucket's stream without a leader answers
        // "no response" at once, which this stand-in raises over the real NATS ledger.
        var failing = new FailingLedger(_first.Ledger) { FailingWrites = 3 };
        var job = await MessageJobAsync();
        var worker = new NotificationWorker(_store, _store, _store, _settings, new InProcessPresence(), failing, [_channel],
            new NotificationOptions { ReadDelay = TimeSpan.Zero }, TimeProvider.System);

        Assert.Equal(JobOutcome.Done, await worker.HandleAsync(new QueuedJob(job, 1), CancellationToken.None));
        Assert.Equal(JobOutcome.Done, await WorkerOver(_second).HandleAsync(new QueuedJob(job, 2), CancellationToken.None));

        Assert.Equal(0, failing.FailingWrites);
        Assert.Single(_channel.Delivered);
    }

    [Fact]
    public async Task An_answer_read_just_after_the_target_timeout_because_the_worker_was_stalled_counts_as_delivered()
    {
        // A paused worker process (SIGSTOP, a long collection) resumes with its timeout and the
        // target's answer due together; had the timeout won, the retry would push again.
        var options = new NotificationOptions { ReadDelay = TimeSpan.Zero, TargetTimeout = TimeSpan.FromMilliseconds(500) };
        _channel.StallBeforeAnswering = options.TargetTimeout + TimeSpan.FromMilliseconds(300);
        var job = await MessageJobAsync();
        var worker = new NotificationWorker(_store, _store, _store, _settings, new InProcessPresence(), _first.Ledger, [_channel], options, TimeProvider.System);

        Assert.Equal(JobOutcome.Done, await worker.HandleAsync(new QueuedJob(job, 1), CancellationToken.None));
        Assert.Equal(JobOutcome.Done, await WorkerOver(_second).HandleAsync(new QueuedJob(job, 2), CancellationToken.None));
        Assert.Single(_channel.Delivered);
    }

    [Fact]
    public async Task A_mention_already_pushed_does_not_push_later_messages_of_a_muted_chat()
    {
        var first = await MessageJobAsync("hey @bob, look");
        await _settings.SetMutedAsync(first.ChatId, first.UserId, true, CancellationToken.None);
        await WorkerOver(_first).HandleAsync(new QueuedJob(first, 1), CancellationToken.None);
        var second = await FollowUpAsync(first, "no mention here");

        Assert.Equal(JobOutcome.Done, await WorkerOver(_second).HandleAsync(new QueuedJob(second, 1), CancellationToken.None));

        Assert.Equal([first.SignalId], Assert.Single(_channel.Delivered).Notification.Covers);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_mention_reaches_a_user_in_do_not_disturb_only_while_DndAllowsMentions_is_on(bool dndAllowsMentions)
    {
        var job = await MessageJobAsync("hey @bob, need you");
        using var presence = new SqlitePresenceStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "store.db") });
        await presence.InitializeAsync(CancellationToken.None);
        await presence.SetStatusAsync(job.UserId, new PetitChat.Core.Presence.UserStatus("🔕", null, null, PetitChat.Core.Presence.Availability.Dnd, DateTimeOffset.UtcNow), CancellationToken.None);
        var worker = new NotificationWorker(_store, _store, _store, _settings, new InProcessPresence(), _first.Ledger, [_channel],
            new NotificationOptions { ReadDelay = TimeSpan.Zero, DndAllowsMentions = dndAllowsMentions }, TimeProvider.System, presence);

        var notification = await worker.DecideAsync(job, CancellationToken.None);

        Assert.Equal(dndAllowsMentions, notification is { Mentioned: true });
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

    /// <summary>Alice sends Bob another message after the job's; the job for Bob, already due.</summary>
    private async Task<NotificationJob> FollowUpAsync(NotificationJob previous, string text)
    {
        var alice = (await _store.GetMembersAsync(previous.ChatId, CancellationToken.None)).First(m => m.UserId != previous.UserId).UserId;
        var signal = new Signal(await NextIdAfterAsync(previous.SignalId), previous.ChatId, SignalKind.Message, alice, text, $"c-{Guid.NewGuid():N}",
            DateTimeOffset.UtcNow, null, null, []);
        await _store.AppendSignalAsync(signal, CancellationToken.None);
        return NotificationJob.For(previous.UserId, previous.ChatId, signal.Id, DateTimeOffset.UtcNow);
    }

    /// <summary>A UUIDv7 that sorts after <paramref name="id"/>, as the server's next id would.</summary>
    private static async Task<Guid> NextIdAfterAsync(Guid id)
    {
        var ids = new PetitChat.Core.Common.Ids(TimeProvider.System);
        var next = ids.Next();
        while (next.CompareTo(id) <= 0)
        {
            await Task.Yield();
            next = ids.Next();
        }

        return next;
    }

    /// <summary>Alice sends Bob a message; the job for Bob, already due.</summary>
    private async Task<NotificationJob> MessageJobAsync(string text = "hello")
    {
        var now = DateTimeOffset.UtcNow;
        var alice = await _store.UpsertUserAsync(new UserClaims("alice-" + Guid.NewGuid(), "alice", "Alice", []), Guid.CreateVersion7(), now, CancellationToken.None);
        var bob = await _store.UpsertUserAsync(new UserClaims("bob-" + Guid.NewGuid(), "bob", "Bob", []), Guid.CreateVersion7(), now, CancellationToken.None);
        var (chat, _) = await _store.CreateChatAsync(new Chat(Guid.CreateVersion7(), ChatKind.Direct, null, alice.Id, now, now, null), [alice.Id, bob.Id], CancellationToken.None);
        var signal = new Signal(Guid.CreateVersion7(), chat.Id, SignalKind.Message, alice.Id, text, "c1", now, null, null, []);
        await _store.AppendSignalAsync(signal, CancellationToken.None);
        return NotificationJob.For(bob.Id, chat.Id, signal.Id, now);
    }

    /// <summary>A ledger whose next <see cref="FailingWrites"/> writes fail as JetStream does with no leader for the bucket's stream.</summary>
    private sealed class FailingLedger(IDeliveryLedger inner) : IDeliveryLedger
    {
        public int FailingWrites { get; set; }

        public Task<bool> ContainsAsync(string key, CancellationToken ct) => inner.ContainsAsync(key, ct);

        public Task AddAsync(string key, CancellationToken ct)
        {
            if (FailingWrites > 0)
            {
                FailingWrites--;
                throw new NATS.Client.JetStream.NatsJSApiNoResponseException();
            }

            return inner.AddAsync(key, ct);
        }

        public Task<Guid?> GetCoveredAsync(Guid userId, Guid chatId, CancellationToken ct) => inner.GetCoveredAsync(userId, chatId, ct);

        public Task<PushMark> ChangeMarkAsync(Guid userId, Guid chatId, Func<PushMark, PushMark> change, CancellationToken ct) =>
            inner.ChangeMarkAsync(userId, chatId, change, ct);
    }
}
