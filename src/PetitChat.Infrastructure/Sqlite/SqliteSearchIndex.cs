using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Search;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The embedded <see cref="ISearchIndex"/>: an FTS5 table in the store's SQLite file (or its own
/// file), fed by the same search jobs as Meilisearch so that both behave the same. User words
/// never reach FTS5 as syntax: each is a double-quoted string with its quotes doubled, which
/// FTS5 reads as plain text whatever it holds (<c>NEAR</c>, <c>OR</c>, <c>*</c>, parentheses).
/// </summary>
public sealed class SqliteSearchIndex(SqliteSearchOptions options) : ISearchIndex, IDisposable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path ?? throw new ArgumentException("The search index needs a database path.", nameof(options)),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = options.BusyTimeoutSeconds,
    }.ToString();

    private readonly string _connectionPragmas = ConnectionPragmas(options.BusyTimeoutSeconds);

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

            await using var connection = await OpenConnectionAsync(_connectionString, _connectionPragmas, ct);
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
            "UPDATE search_documents SET chat_id = @chatId, sender_id = @senderId, created_at = @createdAt, has_file = @hasFile WHERE doc_id = @docId",
            "@docId", "@chatId", "@senderId", "@createdAt", "@hasFile");
        await using var insert = Prepare(connection, """
            INSERT INTO search_documents (signal_id, chat_id, sender_id, created_at, has_file)
            VALUES (@signalId, @chatId, @senderId, @createdAt, @hasFile) RETURNING doc_id
            """, "@signalId", "@chatId", "@senderId", "@createdAt", "@hasFile");
        await using var addText = Prepare(connection, "INSERT INTO search_text (rowid, text, chat, cjk) VALUES (@docId, @text, @chat, @cjk)",
            "@docId", "@text", "@chat", "@cjk");
        foreach (var document in documents)
        {
            var (signalId, chatId, senderId, createdAt) =
                (document.SignalId.ToString("D"), document.ChatId.ToString("D"), document.SenderId.ToString("D"), ToText(document.CreatedAt));
            var hasFile = document.HasFile ? 1 : 0;
            find.Parameters["@signalId"].Value = signalId;
            long docId;
            if (await find.ExecuteScalarAsync(ct) is long existing)
            {
                docId = existing;
                dropText.Parameters["@docId"].Value = docId;
                await dropText.ExecuteNonQueryAsync(ct);
                Bind(update, ("@docId", docId), ("@chatId", chatId), ("@senderId", senderId), ("@createdAt", createdAt), ("@hasFile", hasFile));
                await update.ExecuteNonQueryAsync(ct);
            }
            else
            {
                Bind(insert, ("@signalId", signalId), ("@chatId", chatId), ("@senderId", senderId), ("@createdAt", createdAt), ("@hasFile", hasFile));
                docId = (long)(await insert.ExecuteScalarAsync(ct))!;
            }

            var text = SearchHighlight.Strip(document.Text);
            Bind(addText, ("@docId", docId), ("@text", SqliteCjk.IndexedText(text)), ("@chat", ChatToken(document.ChatId)),
                ("@cjk", CjkText.BigramText(text)));
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
        // bm25 weights: the text and its bigrams count, the chat token does not. Ties: newest first.
        command.CommandText = """
            SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at,
                   snippet(search_text, 0, @start, @end, '…', @words)
            FROM search_text
            JOIN search_documents d ON d.doc_id = search_text.rowid
            WHERE search_text MATCH @match AND d.chat_id = @chatId
            ORDER BY bm25(search_text, 1.0, 0.0, 1.0), d.signal_id DESC
            LIMIT @limit OFFSET @offset
            """;
        command.Parameters.AddWithValue("@start", SearchHighlight.Start);
        command.Parameters.AddWithValue("@end", SearchHighlight.End);
        command.Parameters.AddWithValue("@words", Math.Clamp(options.SnippetWords, 1, 64));
        if (MatchExpression(query.ChatId, query.Words) is not { } match)
        {
            return [];
        }

        command.Parameters.AddWithValue("@match", match);
        command.Parameters.AddWithValue("@chatId", query.ChatId.ToString("D"));
        command.Parameters.AddWithValue("@limit", query.Limit);
        command.Parameters.AddWithValue("@offset", query.Offset);
        return await ReadHitsAsync(command, ct);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchChatsAsync(GlobalSearchQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        var words = WordsExpression(query.Words);
        if (query.ChatIds.Count == 0 || (words is null && (query.Words.Count > 0 || query.Filters.IsEmpty)))
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // The caller's chats go in as one JSON array: one statement whatever their number, and the
        // membership filter is applied by SQLite on each match (search_documents' primary key).
        const string filters = """
            d.chat_id IN (SELECT value FROM json_each(@chatIds))
              AND (@senderId IS NULL OR d.sender_id = @senderId)
              AND (@after IS NULL OR d.created_at >= @after)
              AND (@before IS NULL OR d.created_at < @before)
              AND (@hasFile = 0 OR d.has_file = 1)
            """;
        if (words is null)
        {
            // Filters only: the newest messages that pass them, with the start of their text.
            command.CommandText = $"""
                SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at, substr(search_text.text, 1, @chars)
                FROM search_documents d
                JOIN search_text ON search_text.rowid = d.doc_id
                WHERE {filters}
                ORDER BY d.created_at DESC, d.signal_id DESC
                LIMIT @limit OFFSET @offset
                """;
            command.Parameters.AddWithValue("@chars", Math.Clamp(options.SnippetWords, 1, 64) * 8);
        }
        else
        {
            var order = query.Sort == SearchSort.Newest
                ? "d.created_at DESC, d.signal_id DESC"
                : "bm25(search_text, 1.0, 0.0, 1.0), d.signal_id DESC";
            command.CommandText = $"""
                SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at,
                       snippet(search_text, 0, @start, @end, '…', @words)
                FROM search_text
                JOIN search_documents d ON d.doc_id = search_text.rowid
                WHERE search_text MATCH @match AND {filters}
                ORDER BY {order}
                LIMIT @limit OFFSET @offset
                """;
            command.Parameters.AddWithValue("@start", SearchHighlight.Start);
            command.Parameters.AddWithValue("@end", SearchHighlight.End);
            command.Parameters.AddWithValue("@words", Math.Clamp(options.SnippetWords, 1, 64));
            command.Parameters.AddWithValue("@match", words);
        }

        command.Parameters.AddWithValue("@chatIds", "[" + string.Join(',', query.ChatIds.Select(id => $"\"{id:D}\"")) + "]");
        command.Parameters.AddWithValue("@senderId", query.Filters.SenderId is { } sender ? sender.ToString("D") : DBNull.Value);
        command.Parameters.AddWithValue("@after", query.Filters.After is { } after ? ToText(after) : DBNull.Value);
        command.Parameters.AddWithValue("@before", query.Filters.Before is { } before ? ToText(before) : DBNull.Value);
        command.Parameters.AddWithValue("@hasFile", query.Filters.HasFile ? 1 : 0);
        command.Parameters.AddWithValue("@limit", query.Limit);
        command.Parameters.AddWithValue("@offset", query.Offset);
        return await ReadHitsAsync(command, ct);
    }

    private static async Task<IReadOnlyList<SearchHit>> ReadHitsAsync(SqliteCommand command, CancellationToken ct)
    {
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
                SqliteCjk.Snippet(reader.GetString(4))));
        }

        return hits;
    }

    /// <summary>
    /// <c>chat : "c…" AND text : "w1" AND text : "w2"*</c>, or null when no word has anything to
    /// find. Every user word is an FTS5 string: inside double quotes nothing is syntax, and a quote
    /// is written twice. The last word is a prefix. A CJK run in a word is matched as its phrase
    /// of bigrams in <c>cjk</c> (Lucene's CJK analyzer) and as its phrase of characters in
    /// <c>text</c>, which places the snippet and marks the matched characters (see <see cref="SqliteCjk"/>).
    /// </summary>
    public static string? MatchExpression(Guid chatId, IReadOnlyList<string> words) =>
        WordsExpression(words) is { } condition ? $"chat : \"{ChatToken(chatId)}\" AND {condition}" : null;

    /// <summary>The words' part of <see cref="MatchExpression"/>, without a chat; null when no word has anything to find.</summary>
    public static string? WordsExpression(IReadOnlyList<string> words)
    {
        var conditions = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            var runs = CjkText.Runs(words[i]);
            for (var r = 0; r < runs.Count; r++)
            {
                var (run, cjk) = runs[r];
                if (!cjk)
                {
                    if (HasLetterOrDigit(run))
                    {
                        var prefix = i == words.Count - 1 && r == runs.Count - 1 ? "*" : "";
                        conditions.Add($"text : {Quote(run)}{prefix}");
                    }

                    continue;
                }

                var characters = string.Join(' ', run.EnumerateRunes());
                if (run.EnumerateRunes().Skip(1).Any())
                {
                    conditions.Add($"cjk : {Quote(string.Join(' ', CjkText.Bigrams(run)))}");
                }

                conditions.Add($"text : {Quote(characters)}");
            }
        }

        return conditions.Count == 0 ? null : string.Join(" AND ", conditions);
    }

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static bool HasLetterOrDigit(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schemaGate.Dispose();
    }

    /// <summary>One token that unicode61 keeps whole: a letter and 32 hex digits.</summary>
    private static string ChatToken(Guid chatId) => "c" + chatId.ToString("N");

    private async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        await InitializeAsync(ct);
        return await OpenConnectionAsync(_connectionString, _connectionPragmas, ct);
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

}
