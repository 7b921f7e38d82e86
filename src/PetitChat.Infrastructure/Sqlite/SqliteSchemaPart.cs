using Microsoft.Data.Sqlite;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The connections of a store whose tables are a part of the chats' SQLite file
/// (<see cref="SqliteSchemaParts"/>): the pooled connection string and pragmas from the store
/// options, and a gate that runs the part's missing steps once, before the first connection is
/// handed out. The adapters of calls, apps, notification settings, devices and presence each hold one.
/// </summary>
internal sealed class SqliteSchemaPart : IDisposable
{
    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly ReadyOnce _ready;

    public SqliteSchemaPart(SqliteStoreOptions options, string part, string[] steps)
    {
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = options.BusyTimeoutSeconds,
        }.ToString();
        _pragmas = ConnectionPragmas(options.BusyTimeoutSeconds);
        _ready = new ReadyOnce(ct => SqliteSchemaParts.MigrateAsync(options.Path, _connectionString, _pragmas, part, steps, ct));
    }

    /// <summary>Runs the part's missing steps; once they ran, returns at once.</summary>
    public Task InitializeAsync(CancellationToken ct) => _ready.EnsureAsync(ct);

    /// <summary>An open connection with the pragmas set, once the part's tables are there; the caller disposes it.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        await InitializeAsync(ct);
        return await OpenConnectionAsync(_connectionString, _pragmas, ct);
    }

    /// <summary>Closes the file's pooled connections, so nothing holds it open once the host stops.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _ready.Dispose();
    }
}
