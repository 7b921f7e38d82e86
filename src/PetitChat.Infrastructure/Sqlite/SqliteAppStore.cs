using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Apps;
using PetitChat.Infrastructure.Apps;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Apps, incoming webhooks and app deliveries in the same SQLite file as the chats, in tables of
/// their own with their own schema version (<c>schema_parts</c> row 'apps'). Split by port:
/// SqliteAppStore.Apps.cs, .Webhooks.cs, .Deliveries.cs.
/// </summary>
public sealed partial class SqliteAppStore(SqliteStoreOptions options) : IDisposable
{
    private const string Part = "apps";
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE apps (
            id          TEXT NOT NULL PRIMARY KEY,
            body        TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );

        CREATE TABLE incoming_webhooks (
            id          TEXT NOT NULL PRIMARY KEY,
            chat_id     TEXT NOT NULL,
            body        TEXT NOT NULL,
            created_at  TEXT NOT NULL
        );
        CREATE INDEX incoming_webhooks_by_chat ON incoming_webhooks (chat_id, created_at, id);

        CREATE TABLE app_deliveries (
            app_id      TEXT NOT NULL,
            id          TEXT NOT NULL,
            status      TEXT NOT NULL,
            body        TEXT NOT NULL,
            PRIMARY KEY (app_id, id)
        ) WITHOUT ROWID;
        CREATE INDEX app_deliveries_by_status ON app_deliveries (app_id, status, id);
        """,
    ];

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = options.BusyTimeoutSeconds,
    }.ToString();

    private readonly string _connectionPragmas = ConnectionPragmas(options.BusyTimeoutSeconds);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

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

            await SqliteSchemaParts.MigrateAsync(options.Path, _connectionString, _connectionPragmas, Part, Steps, ct);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schemaGate.Dispose();
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        await InitializeAsync(ct);
        return await OpenConnectionAsync(_connectionString, _connectionPragmas, ct);
    }

    private static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    private static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new InvalidOperationException("A stored row holds null.");
}
