using PetitChat.Core.Calls;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Notifications;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.InProcess.Notifications;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Calls;

/// <summary>
/// The "incoming call" push over the real SQLite store: planned at once for every member but the
/// starter, decided apart from messages (never collapsed with them, a muted chat still rings), and
/// dropped once the call has ended.
/// </summary>
public sealed class IncomingCallNotificationTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly RecordingQueue _queue = new();
    private readonly Ids _ids = new(TimeProvider.System);
    private SqliteChatStore _store = null!;
    private SqliteNotificationSettingsStore _settings = null!;
    private InMemoryDeliveryLedger _ledger = null!;

    [Fact]
    public async Task A_started_call_rings_every_other_member_at_once_even_in_a_muted_chat_and_not_after_it_ended()
    {
        var (alice, bob, chat) = await ChatAsync();
        var options = new NotificationOptions { ReadDelay = TimeSpan.FromSeconds(30) };
        var callId = Guid.CreateVersion7();
        var started = await AppendAsync(new Signal(_ids.Next(), chat, SignalKind.CallStarted, alice, null, "call-started", DateTimeOffset.UtcNow, null, null, [])
        {
            Call = new SignalCall(callId, CallMedia.Video, null, [alice], Missed: false),
        });
        await _settings.SetMutedAsync(chat, bob, true, CancellationToken.None);

        await new NotificationPlanner(_store, _queue, options).PlanAsync(started);
        var job = Assert.Single(_queue.Jobs);
        var worker = new NotificationWorker(_store, _store, _store, _settings, new InProcessPresence(), _ledger, [], options, TimeProvider.System);
        var ringing = await worker.DecideAsync(job, CancellationToken.None);

        Assert.Equal((bob, started.CreatedAt), (job.UserId, job.NotBefore));
        Assert.StartsWith(NotificationJob.CallPrefix, job.Id, StringComparison.Ordinal);
        Assert.NotNull(ringing);
        Assert.Equal((callId, "Incoming video call from Alice", started.Id), (ringing.CallId, ringing.Preview, ringing.SignalId));

        // A message after the call does not swallow the ring, and the ring is not a message.
        await AppendAsync(new Signal(_ids.Next(), chat, SignalKind.Message, alice, "pick up!", "m1", DateTimeOffset.UtcNow, null, null, []));
        Assert.NotNull(await worker.DecideAsync(job, CancellationToken.None));

        await AppendAsync(new Signal(_ids.Next(), chat, SignalKind.CallEnded, alice, null, "call-ended", DateTimeOffset.UtcNow, null, null, [])
        {
            Call = new SignalCall(callId, CallMedia.Video, 30, [alice], Missed: true),
        });
        Assert.Null(await worker.DecideAsync(job, CancellationToken.None));
    }

    public Task InitializeAsync()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, "store.db") };
        _store = new SqliteChatStore(options);
        _settings = new SqliteNotificationSettingsStore(options);
        _ledger = new InMemoryDeliveryLedger();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _store.Dispose();
        _settings.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private async Task<Signal> AppendAsync(Signal signal)
    {
        var (stored, created) = await _store.AppendSignalAsync(signal, CancellationToken.None);
        Assert.True(created);
        // Read back: the call info survives the store.
        var read = (await _store.GetSignalAsync(signal.ChatId, signal.Id, CancellationToken.None))?.Call;
        Assert.Equal((signal.Call?.CallId, signal.Call?.Media, signal.Call?.DurationSeconds, signal.Call?.Missed), (read?.CallId, read?.Media, read?.DurationSeconds, read?.Missed));
        Assert.Equal(signal.Call?.ParticipantIds ?? [], read?.ParticipantIds ?? []);
        return stored;
    }

    private async Task<(Guid Alice, Guid Bob, Guid Chat)> ChatAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var alice = await _store.UpsertUserAsync(new UserClaims("alice-" + Guid.NewGuid(), "alice", "Alice", []), Guid.CreateVersion7(), now, CancellationToken.None);
        var bob = await _store.UpsertUserAsync(new UserClaims("bob-" + Guid.NewGuid(), "bob", "Bob", []), Guid.CreateVersion7(), now, CancellationToken.None);
        var (chat, _) = await _store.CreateChatAsync(new Chat(Guid.CreateVersion7(), ChatKind.Direct, null, alice.Id, now, now, null), [alice.Id, bob.Id], CancellationToken.None);
        return (alice.Id, bob.Id, chat.Id);
    }

    /// <summary>Keeps what is enqueued; the planner only enqueues.</summary>
    private sealed class RecordingQueue : INotificationQueue
    {
        public List<NotificationJob> Jobs { get; } = [];

        public Task EnqueueAsync(IReadOnlyCollection<NotificationJob> jobs, CancellationToken ct)
        {
            Jobs.AddRange(jobs);
            return Task.CompletedTask;
        }

        public Task ConsumeAsync(Func<QueuedJob, CancellationToken, Task<JobOutcome>> handler, CancellationToken ct) =>
            throw new NotSupportedException("The planner only enqueues.");

        public Task<IReadOnlyList<DeadLetter>> ReadDeadLettersAsync(int max, CancellationToken ct) =>
            throw new NotSupportedException("The planner only enqueues.");
    }
}
