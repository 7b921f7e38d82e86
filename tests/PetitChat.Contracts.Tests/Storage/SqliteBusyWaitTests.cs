using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Infrastructure.Telemetry;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The store's own busy handler (docs/decisions/0016, 2026-11-30 (2)): a writer that finds the file
/// locked by another process waits in it, the wait is counted on the meter, and the write goes
/// through once the lock is free, in either waiting mode.
/// </summary>
public sealed class SqliteBusyWaitTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly MeterListener _listener = new();
    private long _waits;
    private double _slept;

    public SqliteBusyWaitTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name is StoreMetrics.SqliteBusyWaitsName or StoreMetrics.SqliteBusySleptName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _waits, value));
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (_listener)
            {
                _slept += value;
            }
        });
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Dispose();
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(SqliteBusyWait.Fine)]
    [InlineData(SqliteBusyWait.Sqlite)]
    public async Task A_write_blocked_by_another_process_waits_in_the_handler_is_counted_and_goes_through_once_the_lock_is_free(SqliteBusyWait mode)
    {
        var path = Path.Combine(_folder, "store.db");
        using var store = new SqliteChatStore(new SqliteStoreOptions { Path = path, BusyTimeoutSeconds = 30, BusyWait = mode });
        await store.InitializeAsync(CancellationToken.None);

        Task<User> write;
        // Another process's writer (a connection without our handler) holds the write lock.
        await using (var other = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await other.OpenAsync();
            await using var holding = other.BeginTransaction(deferred: false);
            await using (var command = other.CreateCommand())
            {
                command.CommandText = "UPDATE chats SET name = name WHERE id = 'none'";
                await command.ExecuteNonQueryAsync();
            }

            write = Task.Run(() => store.UpsertUserAsync(
                new UserClaims($"sub-{Guid.NewGuid():N}", $"busy{Guid.NewGuid():N}"[..20], "Busy", ["user"]),
                Guid.CreateVersion7(), DateTimeOffset.UtcNow, CancellationToken.None));

            // It waits in the handler, which counts the wait and its sleeps.
            await WaitUntilAsync(() => Interlocked.Read(ref _waits) >= 1 && Slept() > 0);
            Assert.False(write.IsCompleted);
            await holding.RollbackAsync();
        }

        var user = await write;
        Assert.Equal(user.Id, (await store.GetUserAsync(user.Id, CancellationToken.None))?.Id);
    }

    private double Slept()
    {
        lock (_listener)
        {
            return _slept;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(20), "The write never waited in the busy handler.");
            await Task.Delay(5);
        }
    }
}
