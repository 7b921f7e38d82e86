using Microsoft.Data.Sqlite;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// WAL checkpoints off the send path. SQLite checkpoints automatically in the connection whose
/// COMMIT took the WAL past 1,000 pages, before that COMMIT returns; with group commit that is the
/// writer loop, so every send waiting for the next batch waited for the copy and its fsync too
/// (44–137 ms each on this machine's disk: the p99 of a send at moderate load). The writer's own
/// connection has automatic checkpoints off, and after its commits a PASSIVE checkpoint runs on
/// another connection, at most one at a time and one per <see cref="SqliteStoreOptions.CheckpointInterval"/>.
/// PASSIVE never blocks the writer (it copies what no reader still needs and leaves the rest for
/// the next one). SQLite starts writing the WAL over from its beginning only at a write that finds
/// every frame of it copied, which a writer that never pauses does not give: when a background
/// checkpoint finds more than <see cref="SqliteStoreOptions.WalRestartBytes"/> in the WAL, the
/// writer restarts it between two batches (<see cref="RestartWalIfAskedAsync"/>).
/// </summary>
public sealed partial class SqliteChatStore
{
    /// <summary>Bytes of one WAL frame: a page (4 KiB, SQLite's default, which the schema keeps) and its header.</summary>
    private const long WalFrameBytes = 4096 + 24;

    /// <summary>How long the writer waits for readers to leave the WAL before it leaves the restart to the next ask.</summary>
    private static readonly TimeSpan RestartWait = TimeSpan.FromMilliseconds(250);

    private int _checkpointRunning;
    private long _lastCheckpoint = Environment.TickCount64;
    private long _checkpoints;
    private long _walRestarts;
    private int _restartWal;

    /// <summary>Background checkpoints that completed (for tests and benchmarks).</summary>
    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    /// <summary>Times the writer checkpointed the whole WAL so that the next commit writes it from its start.</summary>
    public long WalRestarts => Interlocked.Read(ref _walRestarts);

    /// <summary>
    /// The writer loop's connection: its own (not pooled), without automatic checkpoints, and with
    /// its temporary files in memory. Each append of a batch runs in a savepoint, and SQLite keeps
    /// the pages a savepoint could have to restore in a sub-journal, which spills to a temporary
    /// file once it passes 64 KiB: a batch of a few dozen appends did, and its copies of pages
    /// were more write calls than the WAL's own (docs/decisions/0014, 2026-12-01). In memory the
    /// sub-journal is bounded by one batch (<see cref="SqliteStoreOptions.GroupCommitMaxBatch"/>
    /// appends) and goes at its commit; durability is the WAL's, unchanged.
    /// </summary>
    private async Task<SqliteConnection> OpenWriterAsync()
    {
        await InitializeAsync(CancellationToken.None);
        var writer = new SqliteConnectionStringBuilder(_connectionString) { Pooling = false }.ToString();
        return await OpenConnectionAsync(writer, _connectionPragmas + " PRAGMA wal_autocheckpoint = 0; PRAGMA temp_store = MEMORY;", CancellationToken.None);
    }

    /// <summary>After a commit of the writer: starts a checkpoint unless one runs or ran within the interval.</summary>
    private void CheckpointSoon()
    {
        var now = Environment.TickCount64;
        if (now - Volatile.Read(ref _lastCheckpoint) < (long)options.CheckpointInterval.TotalMilliseconds
            || Interlocked.CompareExchange(ref _checkpointRunning, 1, 0) != 0)
        {
            return;
        }

        Volatile.Write(ref _lastCheckpoint, now);
        _ = Task.Run(CheckpointAsync);
    }

    private async Task CheckpointAsync()
    {
        try
        {
            await using var connection = await OpenAsync(CancellationToken.None);
            // One row: busy, the frames in the WAL since it last started over, and those copied.
            await using var checkpoint = Command(connection, "PRAGMA wal_checkpoint(PASSIVE)");
            await using var row = await checkpoint.ExecuteReaderAsync(CancellationToken.None);
            var frames = await row.ReadAsync(CancellationToken.None) ? row.GetInt64(1) : 0;
            Interlocked.Increment(ref _checkpoints);
            if (frames * WalFrameBytes >= options.WalRestartBytes)
            {
                Volatile.Write(ref _restartWal, 1);
            }
        }
#pragma warning disable CA1031 // A checkpoint that fails is retried after the next commit; the data is safe in the WAL meanwhile.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        finally
        {
            Volatile.Write(ref _checkpointRunning, 0);
        }
    }

    /// <summary>
    /// On the writer's connection, between two batches, when a background checkpoint asked for it:
    /// copies what is left of the WAL and waits (at most <see cref="RestartWait"/>) for the readers
    /// still on it, so that the next commit writes the file from its start, over the old frames.
    /// The file keeps its size (about the limit) rather than being truncated: truncating and growing
    /// it again cost more (p99 118 against 48 ms at 800 messages/s for a minute). The writes queue
    /// meanwhile; a reader that stays, or a failure, leaves the WAL as it was for the next
    /// checkpoint to ask again.
    /// </summary>
    private async Task RestartWalIfAskedAsync(SqliteConnection writer)
    {
        if (Interlocked.Exchange(ref _restartWal, 0) == 0)
        {
            return;
        }

        try
        {
            SqliteBusyHandler.Install(writer, options.BusyWait, RestartWait);
            try
            {
                // One row: busy (1 when a reader stayed past the wait), then the frames as above.
                await using var restart = Command(writer, "PRAGMA wal_checkpoint(RESTART)");
                await using var row = await restart.ExecuteReaderAsync(CancellationToken.None);
                if (await row.ReadAsync(CancellationToken.None) && row.GetInt64(0) == 0)
                {
                    Interlocked.Increment(ref _walRestarts);
                }
            }
            finally
            {
                SqliteBusyHandler.Install(writer, options.BusyWait);
            }
        }
#pragma warning disable CA1031 // As a background checkpoint: the data is safe in the WAL, and the next one asks again.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
