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

    private readonly SqliteSchemaPart _tables = new(options, Part, Steps);

    public Task InitializeAsync(CancellationToken ct) => _tables.InitializeAsync(ct);

    public void Dispose() => _tables.Dispose();

    private Task<SqliteConnection> OpenAsync(CancellationToken ct) => _tables.OpenAsync(ct);

    private static string Write<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    private static T Read<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new InvalidOperationException("A stored row holds null.");
}
