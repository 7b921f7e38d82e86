namespace PetitChat.Infrastructure.Sqlite;

/// <summary>How a connection waits for the write lock another connection (or process) holds.</summary>
public enum SqliteBusyWait
{
    /// <summary>
    /// Tries again every 100 µs for the first millisecond, then every millisecond until the busy
    /// timeout: a waiter takes the lock about 0.15 ms after it is freed within the first
    /// millisecond of its wait, and about a millisecond after later.
    /// </summary>
    Fine,

    /// <summary>
    /// SQLite's own steps (1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms, then 100 ms): what
    /// <c>PRAGMA busy_timeout</c> does. A waiter that lost a few rounds sleeps 25–100 ms while the
    /// lock is freed and taken again many times; kept to measure against.
    /// </summary>
    Sqlite,
}
