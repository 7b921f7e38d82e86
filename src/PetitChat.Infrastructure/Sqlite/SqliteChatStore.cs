using System.Globalization;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Chats;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The embedded <see cref="IChatStore"/>: one SQLite file in WAL mode, a pooled connection per
/// operation, and every multi-row write in one <c>BEGIN IMMEDIATE</c> transaction. Immediate,
/// because a deferred transaction that reads and then writes can fail with SQLITE_BUSY when it
/// tries to upgrade its lock; taking the write lock up front makes writers queue instead.
/// </summary>
public sealed partial class SqliteChatStore(SqliteStoreOptions options) : IChatStore, IDisposable
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        ForeignKeys = true,
        DefaultTimeout = options.BusyTimeoutSeconds,
    }.ToString();

    // PRAGMA takes no parameters; the value is an integer from validated options.
    private readonly string _connectionPragmas =
        $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(long)options.BusyTimeoutSeconds * 1000};";

    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>
    /// Creates the database folder and file, switches it to WAL and brings the schema up to date.
    /// Idempotent; every operation calls it, the host's start-up calls it first.
    /// </summary>
    public async Task InitializeAsync(CancellationToken ct)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaGate.WaitAsync(ct);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            var folder = Path.GetDirectoryName(Path.GetFullPath(options.Path));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            await using var connection = await OpenConnectionAsync(ct);
            // journal_mode is stored in the file, so once is enough (and it cannot run inside a transaction).
            await ExecuteAsync(connection, "PRAGMA journal_mode = WAL", ct);
            await SqliteSchema.MigrateAsync(connection, ct);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public void Dispose()
    {
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schemaGate.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        await InitializeAsync(ct);
        return await OpenConnectionAsync(ct);
    }

    private async Task<SqliteConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            // Per-connection settings; a connection from the pool may be a fresh one.
            await ExecuteAsync(connection, _connectionPragmas, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        // CreateCommand enlists the command in the connection's current transaction.
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static async Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    private static async Task<List<T>> QueryAsync<T>(SqliteConnection connection, string sql, Func<SqliteDataReader, T> map, CancellationToken ct, params (string Name, object? Value)[] parameters)
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

    private static string ToText(Guid id) => id.ToString("D");

    private static string? ToText(Guid? id) => id?.ToString("D");

    private static string ToText(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    /// <summary>A JSON array of ids, for <c>IN (SELECT value FROM json_each(@ids))</c>: one parameter for any count.</summary>
    private static string ToJsonArray(IEnumerable<Guid> ids) => "[" + string.Join(",", ids.Select(id => $"\"{id:D}\"")) + "]";

    private static Guid ReadGuid(SqliteDataReader reader, int ordinal) => Guid.ParseExact(reader.GetString(ordinal), "D");

    private static Guid? ReadNullableGuid(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadGuid(reader, ordinal);

    private static string? ReadNullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset ReadTime(SqliteDataReader reader, int ordinal) => ParseTime(reader.GetString(ordinal));

    private static DateTimeOffset ParseTime(string text) =>
        new(DateTime.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    private static string ToText(ChatKind kind) => kind switch
    {
        ChatKind.Direct => "direct",
        ChatKind.Group => "group",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown chat kind."),
    };

    private static ChatKind ParseChatKind(string text) => text switch
    {
        "direct" => ChatKind.Direct,
        "group" => ChatKind.Group,
        _ => throw new InvalidOperationException($"Unknown chat kind '{text}' in the database."),
    };

    private static string ToText(SignalKind kind) => kind switch
    {
        SignalKind.Message => "message",
        SignalKind.MemberJoined => "member_joined",
        SignalKind.MemberLeft => "member_left",
        SignalKind.CallStarted => "call_started",
        SignalKind.CallEnded => "call_ended",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown signal kind."),
    };

    private static SignalKind ParseSignalKind(string text) => text switch
    {
        "message" => SignalKind.Message,
        "member_joined" => SignalKind.MemberJoined,
        "member_left" => SignalKind.MemberLeft,
        "call_started" => SignalKind.CallStarted,
        "call_ended" => SignalKind.CallEnded,
        _ => throw new InvalidOperationException($"Unknown signal kind '{text}' in the database."),
    };
}
