using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The busy handler of every store connection (docs/decisions/0016, 2026-11-30 (2)). Two server
/// processes on one SQLite file meet at its write lock, where no queue exists: a waiter polls.
/// SQLite's default handler polls ever more rarely (up to every 100 ms), so under steady writes
/// from the other process a waiter that missed its first chances waits tens of milliseconds past
/// the moment the lock was free. This one polls every millisecond, and counts what it waited on
/// Petit chat's meter (<see cref="Telemetry.StoreMetrics"/>). SQLitePCLRaw does not wrap
/// <c>sqlite3_busy_handler</c>, so it is called in the same native library directly.
/// </summary>
internal static partial class SqliteBusyHandler
{
    /// <summary>SQLite's default handler's sleeps in ms (sqliteDefaultBusyCallback), the last one repeating.</summary>
    private static readonly int[] SqliteSteps = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100];

    // Kept alive for the process: native code holds the pointers.
    private static readonly BusyCallback FineCallback = OnBusyFine;
    private static readonly BusyCallback SqliteCallback = OnBusySqlite;
    private static readonly IntPtr FinePointer = Marshal.GetFunctionPointerForDelegate(FineCallback);
    private static readonly IntPtr SqlitePointer = Marshal.GetFunctionPointerForDelegate(SqliteCallback);

    /// <summary>When the current wait of this thread began (a handler runs on the thread of the blocked call).</summary>
    [ThreadStatic]
    private static long _waitStarted;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int BusyCallback(IntPtr timeoutMilliseconds, int count);

    /// <summary>
    /// Replaces the handler that <c>PRAGMA busy_timeout</c> set, with the same timeout (the
    /// connection's <c>DefaultTimeout</c>) or <paramref name="timeout"/>.
    /// </summary>
    public static void Install(SqliteConnection connection, SqliteBusyWait wait, TimeSpan? timeout = null)
    {
        var timeoutMilliseconds = checked((IntPtr)(timeout is { } t ? (long)t.TotalMilliseconds : (long)connection.DefaultTimeout * 1000));
        var rc = sqlite3_busy_handler(connection.Handle!.DangerousGetHandle(), wait == SqliteBusyWait.Fine ? FinePointer : SqlitePointer, timeoutMilliseconds);
        if (rc != 0)
        {
            throw new InvalidOperationException($"sqlite3_busy_handler failed with code {rc}.");
        }
    }

    private static int OnBusyFine(IntPtr timeoutMilliseconds, int count) => Wait(timeoutMilliseconds, count, 1);

    private static int OnBusySqlite(IntPtr timeoutMilliseconds, int count) =>
        Wait(timeoutMilliseconds, count, SqliteSteps[Math.Min(count, SqliteSteps.Length - 1)]);

    /// <summary>Returns 1 to have SQLite try again after the sleep, 0 to give up (SQLITE_BUSY) once the timeout passed.</summary>
    private static int Wait(IntPtr timeoutMilliseconds, int count, int sleepMilliseconds)
    {
        var now = Stopwatch.GetTimestamp();
        if (count == 0)
        {
            _waitStarted = now;
            Telemetry.StoreMetrics.SqliteBusyWaitStarted();
        }

        if (Stopwatch.GetElapsedTime(_waitStarted, now).TotalMilliseconds >= (long)timeoutMilliseconds)
        {
            return 0;
        }

        Thread.Sleep(sleepMilliseconds);
        Telemetry.StoreMetrics.SqliteBusySlept(Stopwatch.GetElapsedTime(now).TotalMilliseconds);
        return 1;
    }

    [LibraryImport("e_sqlite3")]
    private static partial int sqlite3_busy_handler(IntPtr db, IntPtr callback, IntPtr argument);
}
