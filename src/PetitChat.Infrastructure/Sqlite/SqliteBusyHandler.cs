using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The busy handler of every store connection (docs/decisions/0016, 2026-11-30 (2)). Two server
/// processes on one SQLite file meet at its write lock, where no queue exists: a waiter polls.
/// SQLite's default handler polls ever more rarely (up to every 100 ms), so under steady writes
/// from the other process a waiter that missed its first chances waits tens of milliseconds past
/// the moment the lock was free. This one polls every 100 µs for the first millisecond of a wait,
/// then every millisecond (polling every millisecond from the start, waits in the fanout bench
/// lasted 1.2–1.8 ms on average, with this 0.6–1.05 ms: docs/decisions/0014, 2026-12-02),
/// and counts what it waited on Petit chat's meter
/// (<see cref="Telemetry.StoreMetrics"/>). SQLitePCLRaw does not wrap
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

    private static int OnBusyFine(IntPtr timeoutMilliseconds, int count) => Wait(timeoutMilliseconds, count, static waited =>
    {
        // Thread.Sleep counts in whole milliseconds; usleep does not (the kernel adds its timer
        // slack, about 50 µs). Windows has no shorter sleep than Thread.Sleep's.
        if (waited < ShortPolls && !OperatingSystem.IsWindows())
        {
            _ = usleep(ShortPollMicroseconds);
        }
        else
        {
            Thread.Sleep(1);
        }
    });

    private static int OnBusySqlite(IntPtr timeoutMilliseconds, int count) =>
        Wait(timeoutMilliseconds, count, _ => Thread.Sleep(SqliteSteps[Math.Min(count, SqliteSteps.Length - 1)]));

    /// <summary>How long the fine handler polls at <see cref="ShortPollMicroseconds"/> before it polls every millisecond.</summary>
    private static readonly TimeSpan ShortPolls = TimeSpan.FromMilliseconds(1);

    private const uint ShortPollMicroseconds = 100;

    /// <summary>Returns 1 to have SQLite try again after <paramref name="sleep"/> (given how long this wait has lasted), 0 to give up (SQLITE_BUSY) once the timeout passed.</summary>
    private static int Wait(IntPtr timeoutMilliseconds, int count, Action<TimeSpan> sleep)
    {
        var now = Stopwatch.GetTimestamp();
        if (count == 0)
        {
            _waitStarted = now;
            Telemetry.StoreMetrics.SqliteBusyWaitStarted();
        }

        var waited = Stopwatch.GetElapsedTime(_waitStarted, now);
        if (waited.TotalMilliseconds >= (long)timeoutMilliseconds)
        {
            return 0;
        }

        sleep(waited);
        Telemetry.StoreMetrics.SqliteBusySlept(Stopwatch.GetElapsedTime(now).TotalMilliseconds);
        return 1;
    }

    [LibraryImport("libc")]
    private static partial int usleep(uint microseconds);

    [LibraryImport("e_sqlite3")]
    private static partial int sqlite3_busy_handler(IntPtr db, IntPtr callback, IntPtr argument);
}
