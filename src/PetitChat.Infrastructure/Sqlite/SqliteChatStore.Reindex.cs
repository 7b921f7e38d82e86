using PetitChat.Core.Search;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The reindex walk (<see cref="ISearchReindexStore"/>): signals in id order, the cursor the last
/// id walked, jobs and progress written in one transaction. The run's row lives in its own schema
/// part, so it never takes a step of the chat schema.
/// </summary>
public sealed partial class SqliteChatStore : ISearchReindexStore
{
    private const string ReindexPart = "search-reindex";

    private static readonly string[] ReindexSteps =
    [
        """
        -- The current (or last) reindex run: one row at most.
        CREATE TABLE search_reindex (
            slot        INTEGER NOT NULL PRIMARY KEY CHECK (slot = 1),
            id          TEXT NOT NULL,
            started_at  TEXT NOT NULL,
            cursor      TEXT,
            scanned     INTEGER NOT NULL,
            enqueued    INTEGER NOT NULL,
            finished_at TEXT
        );
        """,
    ];

    private const string ReindexColumns = "id, started_at, cursor, scanned, enqueued, finished_at";

    private volatile bool _reindexSchemaReady;

    public async Task<SearchReindex?> GetSearchReindexAsync(CancellationToken ct)
    {
        await using var connection = await OpenReindexAsync(ct);
        return await ReadReindexAsync(connection, ct);
    }

    public async Task<SearchReindex> StartSearchReindexAsync(SearchReindex fresh, CancellationToken ct)
    {
        await using var connection = await OpenReindexAsync(ct);
        // A write transaction from the start: two starts cannot both see "nothing running".
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await ReadReindexAsync(connection, ct) is { Running: true } running)
        {
            return running;
        }

        await ExecuteAsync(connection, $"""
            INSERT INTO search_reindex (slot, {ReindexColumns}) VALUES (1, @id, @startedAt, @cursor, @scanned, @enqueued, @finishedAt)
            ON CONFLICT (slot) DO UPDATE SET id = excluded.id, started_at = excluded.started_at, cursor = excluded.cursor,
                scanned = excluded.scanned, enqueued = excluded.enqueued, finished_at = excluded.finished_at
            """, ct, ReindexParameters(fresh));
        await transaction.CommitAsync(ct);
        return fresh;
    }

    public async Task<SearchReindex> ContinueSearchReindexAsync(SearchReindex run, int limit, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenReindexAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await ReadReindexAsync(connection, ct) is not { Running: true } current || current.Id != run.Id)
        {
            return run;
        }

        // Id order on the primary key: signals sent during the walk land after the cursor (UUIDv7)
        // and are walked too, or already have their own job from the send.
        var signals = await QueryAsync(connection, $"SELECT {SignalColumns} FROM signals WHERE id > @after ORDER BY id LIMIT @take",
            reader => ReadSignal(reader, 0), ct, ("@after", current.Cursor ?? ""), ("@take", limit));
        var enqueued = 0;
        foreach (var signal in signals)
        {
            if (SearchDocument.Indexes(signal))
            {
                // The signal's id as the job's: a job still pending for it is not written twice.
                enqueued += await ExecuteAsync(connection, """
                    INSERT OR IGNORE INTO search_jobs (id, chat_id, signal_id, due_at) VALUES (@id, @chatId, @id, @dueAt)
                    """, ct, ("@id", ToText(signal.Id)), ("@chatId", ToText(signal.ChatId)), ("@dueAt", ToText(now)));
            }
        }

        var next = current with
        {
            Cursor = signals.Count == 0 ? current.Cursor : ToText(signals[^1].Id),
            Scanned = current.Scanned + signals.Count,
            Enqueued = current.Enqueued + enqueued,
            FinishedAt = signals.Count < limit ? now : null,
        };
        await ExecuteAsync(connection, """
            UPDATE search_reindex SET cursor = @cursor, scanned = @scanned, enqueued = @enqueued, finished_at = @finishedAt WHERE id = @id
            """, ct, ReindexParameters(next));
        await transaction.CommitAsync(ct);
        return next;
    }

    private static async Task<SearchReindex?> ReadReindexAsync(Microsoft.Data.Sqlite.SqliteConnection connection, CancellationToken ct)
    {
        var rows = await QueryAsync(connection, $"SELECT {ReindexColumns} FROM search_reindex WHERE slot = 1", reader => new SearchReindex(
            ReadGuid(reader, 0),
            ParseTime(reader.GetString(1)),
            ReadNullableString(reader, 2),
            reader.GetInt64(3),
            reader.GetInt64(4),
            reader.IsDBNull(5) ? null : ParseTime(reader.GetString(5))), ct);
        return rows.Count == 0 ? null : rows[0];
    }

    private static (string, object?)[] ReindexParameters(SearchReindex run) =>
    [
        ("@id", ToText(run.Id)),
        ("@startedAt", ToText(run.StartedAt)),
        ("@cursor", run.Cursor),
        ("@scanned", run.Scanned),
        ("@enqueued", run.Enqueued),
        ("@finishedAt", run.FinishedAt is { } at ? ToText(at) : null),
    ];

    private async Task<Microsoft.Data.Sqlite.SqliteConnection> OpenReindexAsync(CancellationToken ct)
    {
        if (!_reindexSchemaReady)
        {
            await InitializeAsync(ct);
            // Idempotent and in one write transaction: two callers racing here both end at the same version.
            await SqliteSchemaParts.MigrateAsync(options.Path, _connectionString, _connectionPragmas, ReindexPart, ReindexSteps, ct);
            _reindexSchemaReady = true;
        }

        return await OpenAsync(ct);
    }
}
