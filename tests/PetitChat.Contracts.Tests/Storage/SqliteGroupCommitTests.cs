using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Infrastructure.Telemetry;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// What only the SQLite store's group commit has: concurrent sends share transactions, a send
/// that fails fails alone, and a batch whose transaction cannot commit acknowledges nothing; and
/// what an append costs (docs/decisions/0014, 2026-11-30 (4)): a message to the main timeline is
/// four statements (the signal, its search job, the chat's activity, the sender's two pointers in
/// one), counted on the process-wide store meter, so these tests run with no other test beside them.
/// </summary>
[Collection(nameof(SqliteStatementCount))]
public sealed class SqliteGroupCommitTests : StoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly MeterListener _listener = new();
    private long _statements;

    public SqliteGroupCommitTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == StoreMetrics.RequestsName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "engine", Value: "sqlite" })
                {
                    Interlocked.Add(ref _statements, value);
                }
            }
        });
        _listener.Start();
    }

    private string DatabasePath => Path.Combine(_folder, "store.db");

    protected override async Task<IChatStore> CreateStoreAsync()
    {
        // A short busy timeout, so that a held write lock fails the batch within a second; no
        // background checkpoint, whose statements would land on the meter the counting test reads.
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath, BusyTimeoutSeconds = 1, CheckpointInterval = TimeSpan.FromHours(1) });
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task DisposeStoreAsync(IChatStore store)
    {
        ((SqliteChatStore)store).Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task Concurrent_sends_are_all_stored_once_and_repeats_return_the_first()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var firsts = Enumerable.Range(0, 150).Select(i => Message(chat, i % 2 == 0 ? a : b, $"m{i}", $"c{i}")).ToList();
        var repeats = Enumerable.Range(0, 150).Select(i => Message(chat, i % 2 == 0 ? a : b, $"again {i}", $"c{i}")).ToList();

        var results = await Task.WhenAll(firsts.Concat(repeats).Select(s => Task.Run(() => Store.AppendSignalAsync(s, Ct))));

        Assert.Equal(150, results.Count(r => r.Created));
        foreach (var group in results.GroupBy(r => (r.Signal.SenderId, r.Signal.ClientId)))
        {
            Assert.Single(group.Select(r => r.Signal.Id).Distinct());
        }

        var stored = await Store.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 100), Ct);
        var older = await Store.GetSignalsAsync(chat.Id, new TimelineQuery(stored[^1].Id, null, 100), Ct);
        Assert.Equal(150, stored.Count + older.Count);
        // Each sender's read pointer moved to its newest send, inside the same transactions.
        var newestOfA = stored.Concat(older).Where(s => s.SenderId == a.Id).Max(s => s.Id);
        Assert.Equal(newestOfA, (await Store.GetMemberAsync(chat.Id, a.Id, Ct))!.Read!.SignalId);
    }

    [Fact]
    public async Task A_send_that_fails_fails_alone_and_the_others_of_its_batch_are_stored()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var taken = await SendAsync(chat, a, "first", "taken");
        // The same id under another client id: the primary key refuses it, inside the batch.
        var clash = Message(chat, b, "clash", "clash") with { Id = taken.Id };
        var others = Enumerable.Range(0, 40).Select(i => Message(chat, a, $"m{i}", $"ok{i}")).ToList();

        var clashing = Task.Run(() => Store.AppendSignalAsync(clash, Ct));
        var fine = others.Select(s => Task.Run(() => Store.AppendSignalAsync(s, Ct))).ToList();

        await Assert.ThrowsAsync<SqliteException>(() => clashing);
        Assert.All(await Task.WhenAll(fine), r => Assert.True(r.Created));
        var stored = await Store.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 100), Ct);
        Assert.Equal(41, stored.Count);
        Assert.Equal("first", stored.Single(s => s.Id == taken.Id).Text);
    }

    [Fact]
    public async Task A_batch_that_cannot_commit_fails_every_send_with_store_unavailable_and_writes_none()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var sends = Enumerable.Range(0, 10).Select(i => Message(chat, a, $"m{i}", $"c{i}")).ToList();

        // Another process's writer holds the file's write lock past the busy timeout.
        await using (var other = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await other.OpenAsync();
            await using var holding = other.BeginTransaction(deferred: false);
            await using (var write = other.CreateCommand())
            {
                write.CommandText = "UPDATE chats SET name = name WHERE id = 'none'";
                await write.ExecuteNonQueryAsync();
            }

            var failures = await Task.WhenAll(sends.Select(s => Task.Run(async () =>
                await Record.ExceptionAsync(() => Store.AppendSignalAsync(s, Ct)))));

            Assert.All(failures, e => Assert.IsType<StoreUnavailableException>(e));
            await holding.RollbackAsync();
        }

        Assert.Empty(await Store.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 100), Ct));
        // Nothing was acknowledged, so a retry with the same client ids creates every one.
        var retried = await Task.WhenAll(sends.Select(s => Store.AppendSignalAsync(s, Ct)));
        Assert.All(retried, r => Assert.True(r.Created));
        Assert.Equal(10, (await Store.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 100), Ct)).Count);
    }

    [Fact]
    public async Task A_message_to_the_timeline_is_appended_in_four_statements()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        // The first append opens the writer's connection (its pragmas are statements too).
        await SendAsync(chat, a, "warm", "warm");
        var before = Interlocked.Read(ref _statements);

        for (var i = 0; i < 20; i++)
        {
            await SendAsync(chat, i % 2 == 0 ? a : b, $"m{i}", $"c{i}");
        }

        Assert.Equal(20 * 4, Interlocked.Read(ref _statements) - before);
    }

    [Fact]
    public async Task The_senders_pointers_move_to_its_newest_signal_and_not_back_for_an_older_one_appended_late()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var older = Message(chat, a, "older", "older");
        var newer = Message(chat, a, "newer", "newer");

        await Store.AppendSignalAsync(newer, Ct);
        var afterNewer = await Store.GetMemberAsync(chat.Id, a.Id, Ct);
        await Store.AppendSignalAsync(older, Ct);
        var afterOlder = await Store.GetMemberAsync(chat.Id, a.Id, Ct);

        Assert.Equal((newer.Id, newer.Id), (afterNewer!.Delivered!.SignalId, afterNewer.Read!.SignalId));
        Assert.Equal((newer.Id, newer.Id, newer.CreatedAt), (afterOlder!.Delivered!.SignalId, afterOlder.Read!.SignalId, afterOlder.Read.At));
        Assert.Null((await Store.GetMemberAsync(chat.Id, b.Id, Ct))!.Read);
    }

    [Fact]
    public async Task The_writer_never_checkpoints_inside_a_commit_and_a_background_checkpoint_follows_its_commits()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var walPath = DatabasePath + "-wal";

        // Past SQLite's automatic checkpoint (1,000 pages of 4 KB): had the writer's commits
        // checkpointed, the WAL would have been copied back and reused from its start.
        using (var noBackground = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath, CheckpointInterval = TimeSpan.FromHours(1) }))
        {
            for (var i = 0; i < 3_000 && new FileInfo(walPath).Length < 1_500 * 4096L; i++)
            {
                await noBackground.AppendSignalAsync(Message(chat, a, $"m{i}", $"c{i}"), Ct);
            }

            Assert.True(new FileInfo(walPath).Length >= 1_500 * 4096L, "the WAL grew past SQLite's automatic checkpoint");
            Assert.Equal(0, noBackground.Checkpoints);
        }

        using var background = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath, CheckpointInterval = TimeSpan.Zero });
        await background.AppendSignalAsync(Message(chat, b, "after", "after"), Ct);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (background.Checkpoints == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(background.Checkpoints > 0, "a checkpoint ran beside the writer");
        Assert.Equal(3, (await Store.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 3), Ct)).Count);
    }

    [Fact]
    public async Task Under_writes_that_never_pause_the_writer_restarts_the_WAL_rather_than_let_it_grow()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var walPath = DatabasePath + "-wal";
        const long limit = 256 * 1024;
        using var store = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath, CheckpointInterval = TimeSpan.Zero, WalRestartBytes = limit });

        // Readers all along, as streams and pages read while sends go on: a reader on the WAL keeps
        // SQLite from starting it over by itself, and so do commits that follow each other.
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!reading.IsCancellationRequested)
            {
                await store.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 20), CancellationToken.None);
            }
        })).ToList();
        var largest = 0L;
        var watching = Task.Run(async () =>
        {
            while (!reading.IsCancellationRequested)
            {
                largest = Math.Max(largest, new FileInfo(walPath).Length);
                await Task.Delay(1, CancellationToken.None);
            }
        });

        // Senders that never pause: the writer always has the next batch waiting.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < 500; i++)
            {
                await store.AppendSignalAsync(Message(chat, sender % 2 == 0 ? a : b, $"m{sender}.{i}", $"c{sender}.{i}"), Ct);
            }
        })));

        await reading.CancelAsync();
        await Task.WhenAll([.. readers, watching]);

        Assert.True(store.WalRestarts > 0, "the writer restarted the WAL");
        // The limit, and what the writer adds while a checkpoint copies and syncs before it looks
        // (1.6–2 MB here, 123–129 restarts). Without the restart this WAL grew to 29–33 MB.
        Assert.True(largest < 6 * 1024 * 1024, $"the WAL stayed near its limit, at most {largest:N0} bytes");
        Assert.Equal(4_000, (await Store.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 4_000), Ct)).Count);
    }
}
