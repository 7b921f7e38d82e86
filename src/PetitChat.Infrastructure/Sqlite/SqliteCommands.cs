using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The few ADO.NET steps every SQLite adapter here repeats (the chat store, the FTS5 index, the
/// notification settings): open a pooled connection with its per-connection pragmas, run a
/// statement with named parameters, read rows, and write ids and times as sortable text.
/// Imported with <c>using static</c>.
/// </summary>
internal static class SqliteCommands
{
    /// <summary>Fixed-width ISO-8601 UTC with 7 fractional digits: exact round trip, and text order is time order.</summary>
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    // The pragmas last applied to each open SQLite handle; an entry goes when its handle is collected.
    private static readonly ConditionalWeakTable<SQLitePCL.sqlite3, string> Applied = new();

    /// <summary>
    /// Opens a connection and applies <paramref name="pragmas"/>: per-connection settings, since
    /// a connection from the pool may be a fresh one.
    /// </summary>
    public static async Task<SqliteConnection> OpenConnectionAsync(
        string connectionString, string pragmas, CancellationToken ct, SqliteBusyWait busyWait = SqliteBusyWait.Fine)
    {
        _ = ProcessSettings.Applied;
        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            // A pooled connection must come back as a fresh one would: outside any transaction. If
            // a rollback ever failed on its last use (seen once in CI, under a race of writers), its
            // transaction belongs to nobody now, and keeping it would fail every later statement.
            if (SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0)
            {
                await ExecuteAsync(connection, "ROLLBACK", ct);
            }

            // A pooled connection keeps its pragmas: run them once per underlying SQLite handle,
            // not once per open (they were a statement on every store call of every send).
            var settings = $"{pragmas} busy wait: {busyWait}";
            if (!Applied.TryGetValue(connection.Handle!, out var applied) || !string.Equals(applied, settings, StringComparison.Ordinal))
            {
                await ExecuteAsync(connection, pragmas, ct);
                // After the pragmas: busy_timeout installs SQLite's own handler, this replaces it.
                SqliteBusyHandler.Install(connection, busyWait);
                Applied.AddOrUpdate(connection.Handle!, settings);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SQLite's settings for the whole process, applied once before its first connection opens
    /// (SQLite refuses them later, with SQLITE_MISUSE, and keeps its defaults). Memory statistics
    /// off: with them on, every allocation inside SQLite takes one process-wide mutex to count it,
    /// and the writer, the readers, the indexer and the checkpoint allocate at the same time, so
    /// they queued on it (<c>futex</c> waits and wakes, docs/decisions/0014, 2026-12-03).
    /// Nothing here reads those statistics (<c>sqlite3_memory_used</c>, a soft heap limit).
    /// </summary>
    private static class ProcessSettings
    {
        private const int ConfigMemStatus = 9; // SQLITE_CONFIG_MEMSTATUS

        public static readonly int Applied = Apply();

        private static int Apply()
        {
            SQLitePCL.Batteries_V2.Init();
            return SQLitePCL.raw.sqlite3_config(ConfigMemStatus, 0);
        }
    }

    /// <summary>The pragmas every connection gets: NORMAL sync (safe in WAL mode) and the busy timeout.</summary>
    public static string ConnectionPragmas(int busyTimeoutSeconds) =>
        // PRAGMA takes no parameters; the value is an integer from validated options.
        $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(long)busyTimeoutSeconds * 1000};";

    public static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        Telemetry.StoreMetrics.SqliteStatement();
        // CreateCommand enlists the command in the connection's current transaction.
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    public static async Task<List<T>> QueryAsync<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    public static string ToText(Guid id) => id.ToString("D");

    public static string? ToText(Guid? id) => id?.ToString("D");

    public static string ToText(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTime(string text) =>
        new(DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);
}
