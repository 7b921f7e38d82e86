using Microsoft.Data.Sqlite;
using PetitChat.Core.Storage;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The embedded <see cref="IChatStore"/>: one SQLite file in WAL mode, a pooled connection per
/// operation, and every multi-row write in one <c>BEGIN IMMEDIATE</c> transaction. Immediate,
/// because a deferred transaction that reads and then writes can fail with SQLITE_BUSY when it
/// tries to upgrade its lock; taking the write lock up front makes writers queue instead.
/// </summary>
public sealed partial class SqliteChatStore(SqliteStoreOptions options) : IChatStore, IDisposable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        ForeignKeys = true,
        DefaultTimeout = options.BusyTimeoutSeconds,
    }.ToString();

    private readonly string _connectionPragmas = ConnectionPragmas(options.BusyTimeoutSeconds);

    private readonly ReadyOnce _schema = new();

    /// <summary>The store's database file, as given.</summary>
    internal string FilePath => options.Path;

    /// <summary>
    /// Creates the database folder and file, switches it to WAL and brings the schema up to date.
    /// Idempotent; every operation calls it, the host's start-up calls it first.
    /// </summary>
    public Task InitializeAsync(CancellationToken ct) => _schema.EnsureAsync(this, static (self, ct) => self.CreateSchemaAsync(ct), ct);

    private async Task CreateSchemaAsync(CancellationToken ct)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(options.Path));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        await using var connection = await OpenConnectionAsync(_connectionString, _connectionPragmas, ct, options.BusyWait);
        // journal_mode is stored in the file, so once is enough (and it cannot run inside a transaction).
        await ExecuteAsync(connection, "PRAGMA journal_mode = WAL", ct);
        await SqliteSchema.MigrateAsync(connection, ct);
    }

    public void Dispose()
    {
        StopWriter();
        // Pooled connections keep the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schema.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        await InitializeAsync(ct);
        return await OpenConnectionAsync(_connectionString, _connectionPragmas, ct, options.BusyWait);
    }

    /// <summary>A JSON array of ids, for <c>IN (SELECT value FROM json_each(@ids))</c>: one parameter for any count.</summary>
    private static string ToJsonArray(IEnumerable<Guid> ids) => "[" + string.Join(",", ids.Select(id => $"\"{id:D}\"")) + "]";

    private static Guid ReadGuid(SqliteDataReader reader, int ordinal) => Guid.ParseExact(reader.GetString(ordinal), "D");

    private static Guid? ReadNullableGuid(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadGuid(reader, ordinal);

    private static string? ReadNullableString(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset ReadTime(SqliteDataReader reader, int ordinal) => ParseTime(reader.GetString(ordinal));
}
