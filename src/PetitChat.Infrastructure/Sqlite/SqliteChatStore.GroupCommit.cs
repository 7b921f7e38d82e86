using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Group commit for sends. SQLite has one writer at a time; when every send takes the write lock
/// for itself, concurrent sends wait in SQLite's busy handler, which sleeps in steps of
/// milliseconds, so throughput falls and latency climbs as senders are added (docs/decisions/0014).
/// Here one loop owns the writing: the appends that arrive while a commit runs wait in a queue,
/// and the next transaction takes them all (up to <see cref="SqliteStoreOptions.GroupCommitMaxBatch"/>).
/// Each append runs under its own savepoint, so one that fails (a constraint, a bad row) is
/// rolled back alone and fails alone; the others commit. A send is completed only after the
/// COMMIT that holds it returned: nothing is acknowledged before it is in the file. When the
/// transaction cannot begin or commit, every append of the batch fails with a
/// <see cref="StoreUnavailableException"/> and none is acknowledged (a retry with the same client
/// id is safe: the append is idempotent).
/// The loop keeps one connection of its own, which never checkpoints the WAL inside a commit: a
/// checkpoint copies the WAL into the database file and syncs it (tens of milliseconds here), and
/// every send queued behind that commit waited for it. The checkpoints run beside the writer
/// instead (SqliteChatStore.Checkpoints.cs).
/// </summary>
public sealed partial class SqliteChatStore
{
    private readonly Channel<PendingAppend> _appends = Channel.CreateUnbounded<PendingAppend>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly Lock _writerGate = new();
    private Task? _writer;

    private sealed record PendingAppend(Signal Signal, TaskCompletionSource<AppendResult> Done);

    /// <summary>
    /// Queues the append for the writer loop. No cancellation once queued: the append is written
    /// or failed as part of its batch (callers pass none; a send past its checks must finish).
    /// </summary>
    private async Task<AppendResult> AppendGroupedAsync(Signal signal)
    {
        await InitializeAsync(CancellationToken.None);
        EnsureWriter();
        var pending = new PendingAppend(signal, new TaskCompletionSource<AppendResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_appends.Writer.TryWrite(pending))
        {
            throw new StoreUnavailableException("The store is shutting down; the signal was not written.");
        }

        return await pending.Done.Task;
    }

    private void EnsureWriter()
    {
        if (Volatile.Read(ref _writer) is not null)
        {
            return;
        }

        lock (_writerGate)
        {
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    /// <summary>Lets the writer finish what is queued, then stops it (on dispose).</summary>
    private void StopWriter()
    {
        _appends.Writer.TryComplete();
        Task? writer;
        lock (_writerGate)
        {
            writer = _writer;
        }

        writer?.Wait(TimeSpan.FromSeconds(options.BusyTimeoutSeconds + 5));
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingAppend>(options.GroupCommitMaxBatch);
        var results = new List<(PendingAppend Pending, AppendResult? Result, Exception? Error)>(options.GroupCommitMaxBatch);
        // The writer's own connection and its compiled statements, kept from batch to batch; after a
        // batch that failed as a whole they are dropped, and the next batch opens them again.
        AppendStatements? statements = null;
        try
        {
            while (await _appends.Reader.WaitToReadAsync())
            {
                while (batch.Count < options.GroupCommitMaxBatch && _appends.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                try
                {
                    statements ??= new AppendStatements(await OpenWriterAsync());
                    await CommitBatchAsync(statements, batch, results);
                    CheckpointSoon();
                    // Only now, after COMMIT returned, does any send of the batch hear back.
                    foreach (var (pending, result, error) in results)
                    {
                        if (error is null)
                        {
                            pending.Done.TrySetResult(result!);
                        }
                        else
                        {
                            pending.Done.TrySetException(error);
                        }
                    }
                }
#pragma warning disable CA1031 // Every waiter gets the failure; the loop must go on for the next batch.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    var failure = new StoreUnavailableException(
                        $"The store could not commit a batch of {batch.Count} signal(s); none was written: {e.Message}", e);
                    foreach (var pending in batch)
                    {
                        pending.Done.TrySetException(failure);
                    }

                    await CloseAsync(statements);
                    statements = null;
                }
                finally
                {
                    batch.Clear();
                    results.Clear();
                }

                // After the batch's sends heard back: only the next batch waits for it.
                if (statements is not null)
                {
                    await RestartWalIfAskedAsync(statements.Connection);
                }
            }
        }
        finally
        {
            await CloseAsync(statements);
        }
    }

    private static async Task CloseAsync(AppendStatements? statements)
    {
        if (statements is not null)
        {
            await statements.DisposeAsync();
            await statements.Connection.DisposeAsync();
        }
    }

    /// <summary>One IMMEDIATE transaction for the batch, a savepoint per append; throws when the batch as a whole failed.</summary>
    private static async Task CommitBatchAsync(AppendStatements statements, List<PendingAppend> batch, List<(PendingAppend, AppendResult?, Exception?)> results)
    {
        var ct = CancellationToken.None;
        await using var transaction = statements.Connection.BeginTransaction(deferred: false);
        statements.Enlist(transaction);
        foreach (var pending in batch)
        {
            statements.Save();
            try
            {
                results.Add((pending, await statements.AppendAsync(pending.Signal, ct), null));
                statements.Release();
            }
            catch (SqliteException e)
            {
                // This append alone: undo its rows and let the others go on. If the rollback itself
                // fails, the transaction is gone and the whole batch fails (the catch above).
                statements.RollBack();
                results.Add((pending, null, e));
            }
        }

        await transaction.CommitAsync(ct);
    }
}
