using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The embedded <see cref="ISearchIndex"/>: an FTS5 table in the store's SQLite file (or its own
/// file), fed by the same search jobs as Meilisearch so that both behave the same. User words
/// never reach FTS5 as syntax: each is a double-quoted string with its quotes doubled, which
/// FTS5 reads as plain text whatever it holds (<c>NEAR</c>, <c>OR</c>, <c>*</c>, parentheses).
/// </summary>
public sealed class SqliteSearchIndex(SqliteSearchOptions options) : ISearchIndex, IDisposable
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path ?? throw new ArgumentException("The search index needs a database path.", nameof(options)),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = options.BusyTimeoutSeconds,
    }.ToString();

    private readonly string _connectionPragmas =
        $"PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = {(long)options.BusyTimeoutSeconds * 1000};";

    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates or upgrades the file's schema (shared with the store); idempotent.</summary>
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

            var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(options.Path!));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            await using var connection = await OpenConnectionAsync(ct);
            await using (var wal = connection.CreateCommand())
            {
                wal.CommandText = "PRAGMA journal_mode = WAL";
                await wal.ExecuteNonQueryAsync(ct);
            }

            await SqliteSchema.MigrateAsync(connection, ct);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    public async Task UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // One prepared command per statement for the whole batch: SQLite compiles each once.
        await using var find = Prepare(connection, "SELECT doc_id FROM search_documents WHERE signal_id = @signalId", "@signalId");
        await using var dropText = Prepare(connection, "DELETE FROM search_text WHERE rowid = @docId", "@docId");
        await using var update = Prepare(connection,
            "UPDATE search_documents SET chat_id = @chatId, sender_id = @senderId, created_at = @createdAt WHERE doc_id = @docId",
            "@docId", "@chatId", "@senderId", "@createdAt");
        await using var insert = Prepare(connection, """
            INSERT INTO search_documents (signal_id, chat_id, sender_id, created_at)
            VALUES (@signalId, @chatId, @senderId, @createdAt) RETURNING doc_id
            """, "@signalId", "@chatId", "@senderId", "@createdAt");
        await using var addText = Prepare(connection, "INSERT INTO search_text (rowid, text, chat) VALUES (@docId, @text, @chat)",
            "@docId", "@text", "@chat");
        foreach (var document in documents)
        {
            var (signalId, chatId, senderId, createdAt) =
                (document.SignalId.ToString("D"), document.ChatId.ToString("D"), document.SenderId.ToString("D"), ToText(document.CreatedAt));
            find.Parameters["@signalId"].Value = signalId;
            long docId;
            if (await find.ExecuteScalarAsync(ct) is long existing)
            {
                docId = existing;
                dropText.Parameters["@docId"].Value = docId;
                await dropText.ExecuteNonQueryAsync(ct);
                Bind(update, ("@docId", docId), ("@chatId", chatId), ("@senderId", senderId), ("@createdAt", createdAt));
                await update.ExecuteNonQueryAsync(ct);
            }
            else
            {
                Bind(insert, ("@signalId", signalId), ("@chatId", chatId), ("@senderId", senderId), ("@createdAt", createdAt));
                docId = (long)(await insert.ExecuteScalarAsync(ct))!;
            }

            Bind(addText, ("@docId", docId), ("@text", SearchHighlight.Strip(document.Text)), ("@chat", ChatToken(document.ChatId)));
            await addText.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task RemoveAsync(IReadOnlyCollection<Guid> signalIds, CancellationToken ct)
    {
        if (signalIds.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var signalId in signalIds)
        {
            if (await ScalarAsync(connection, "DELETE FROM search_documents WHERE signal_id = @signalId RETURNING doc_id", ct,
                    ("@signalId", signalId.ToString("D"))) is long docId)
            {
                await ExecuteAsync(connection, "DELETE FROM search_text WHERE rowid = @docId", ct, ("@docId", docId));
            }
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        if (query.Words.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // bm25 weights: the text column counts, the chat token does not. Ties: newest first.
        command.CommandText = """
            SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at,
                   snippet(search_text, 0, @start, @end, '…', @words)
            FROM search_text
            JOIN search_documents d ON d.doc_id = search_text.rowid
            WHERE search_text MATCH @match AND d.chat_id = @chatId
            ORDER BY bm25(search_text, 1.0, 0.0), d.signal_id DESC
            LIMIT @limit OFFSET @offset
            """;
        command.Parameters.AddWithValue("@start", SearchHighlight.Start);
        command.Parameters.AddWithValue("@end", SearchHighlight.End);
        command.Parameters.AddWithValue("@words", Math.Clamp(options.SnippetWords, 1, 64));
        command.Parameters.AddWithValue("@match", MatchExpression(query.ChatId, query.Words));
        command.Parameters.AddWithValue("@chatId", query.ChatId.ToString("D"));
        command.Parameters.AddWithValue("@limit", query.Limit);
        command.Parameters.AddWithValue("@offset", query.Offset);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var hits = new List<SearchHit>();
        while (await reader.ReadAsync(ct))
        {
            hits.Add(new SearchHit(
                Guid.ParseExact(reader.GetString(0), "D"),
                Guid.ParseExact(reader.GetString(1), "D"),
                Guid.ParseExact(reader.GetString(2), "D"),
                new DateTimeOffset(DateTime.ParseExact(reader.GetString(3), TimeFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero),
                reader.GetString(4)));
        }

        return hits;
    }

    /// <summary>
    /// <c>chat : "c…" AND text : ("w1" AND "w2"*)</c>. Every user word is an FTS5 string: inside
    /// double quotes nothing is syntax, and a quote is written twice. The last word is a prefix.
    /// </summary>
    public static string MatchExpression(Guid chatId, IReadOnlyList<string> words)
    {
        var match = new StringBuilder();
        match.Append("chat : \"").Append(ChatToken(chatId)).Append("\" AND text : (");
        for (var i = 0; i < words.Count; i++)
        {
            if (i > 0)
            {
                match.Append(" AND ");
            }

            match.Append('"').Append(words[i].Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            if (i == words.Count - 1)
            {
                match.Append('*');
            }
        }

        return match.Append(')').ToString();
    }

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schemaGate.Dispose();
    }

    /// <summary>One token that unicode61 keeps whole: a letter and 32 hex digits.</summary>
    private static string ChatToken(Guid chatId) => "c" + chatId.ToString("N");

    private static string ToText(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

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
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = _connectionPragmas;
            await pragmas.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        }

        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            command.Parameters[name].Value = value;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        var value1 = await command.ExecuteScalarAsync(ct);
        return value1 is DBNull ? null : value1;
    }
}
