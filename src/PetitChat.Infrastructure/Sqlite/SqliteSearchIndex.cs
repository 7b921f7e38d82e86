using System.Globalization;
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
public sealed partial class SqliteSearchIndex(SqliteSearchOptions options) : ISearchIndex, IDisposable
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = options.Path ?? throw new ArgumentException("The search index needs a database path.", nameof(options)),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        DefaultTimeout = options.BusyTimeoutSeconds,
    }.ToString();

    private readonly string _connectionPragmas = ConnectionPragmas(options.BusyTimeoutSeconds);

    private readonly ReadyOnce _schema = new();

    /// <summary>The index's database file, as given.</summary>
    internal string FilePath => options.Path!;

    /// <summary>Creates or upgrades the file's schema (shared with the store); idempotent.</summary>
    public Task InitializeAsync(CancellationToken ct) => _schema.EnsureAsync(this, static (self, ct) => self.CreateSchemaAsync(ct), ct);

    private async Task CreateSchemaAsync(CancellationToken ct)
    {
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
        await using var drop = Prepare(connection, "DELETE FROM search_documents WHERE doc_id = @docId", "@docId");
        await using var dropText = Prepare(connection, "DELETE FROM search_text WHERE rowid = @docId", "@docId");
        await using var lastKey = Prepare(connection, "SELECT max(doc_id) FROM search_documents WHERE doc_id BETWEEN @low AND @high", "@low", "@high");
        await using var update = Prepare(connection,
            "UPDATE search_documents SET chat_id = @chatId, sender_id = @senderId, created_at = @createdAt, has_file = @hasFile WHERE doc_id = @docId",
            "@docId", "@chatId", "@senderId", "@createdAt", "@hasFile");
        await using var insert = Prepare(connection, """
            INSERT INTO search_documents (doc_id, signal_id, chat_id, sender_id, created_at, has_file)
            VALUES (@docId, @signalId, @chatId, @senderId, @createdAt, @hasFile)
            """, "@docId", "@signalId", "@chatId", "@senderId", "@createdAt", "@hasFile");
        await using var addText = Prepare(connection, "INSERT INTO search_text (rowid, text, chat, cjk) VALUES (@docId, @text, @chat, @cjk)",
            "@docId", "@text", "@chat", "@cjk");
        foreach (var document in documents)
        {
            var (signalId, chatId, senderId, createdAt) =
                (document.SignalId.ToString("D"), document.ChatId.ToString("D"), document.SenderId.ToString("D"), ToText(document.CreatedAt));
            var hasFile = document.HasFile ? 1 : 0;
            var low = SqliteSearchKeys.First(document.CreatedAt);
            find.Parameters["@signalId"].Value = signalId;
            long docId;
            var existing = await find.ExecuteScalarAsync(ct) as long?;
            if (existing is { } same && SqliteSearchKeys.SameMillisecond(same, low))
            {
                // An edit: same time, so the same key; only the text and the filters change.
                docId = same;
                dropText.Parameters["@docId"].Value = docId;
                await dropText.ExecuteNonQueryAsync(ct);
                Bind(update, ("@docId", docId), ("@chatId", chatId), ("@senderId", senderId), ("@createdAt", createdAt), ("@hasFile", hasFile));
                await update.ExecuteNonQueryAsync(ct);
            }
            else
            {
                if (existing is { } moved)
                {
                    // Its time changed: its key must follow, or newest-first scans would meet it out of order.
                    Bind(drop, ("@docId", moved));
                    await drop.ExecuteNonQueryAsync(ct);
                    Bind(dropText, ("@docId", moved));
                    await dropText.ExecuteNonQueryAsync(ct);
                }

                Bind(lastKey, ("@low", low), ("@high", SqliteSearchKeys.Last(low)));
                docId = await lastKey.ExecuteScalarAsync(ct) is long last ? SqliteSearchKeys.Next(last) : low;
                Bind(insert, ("@docId", docId), ("@signalId", signalId), ("@chatId", chatId), ("@senderId", senderId), ("@createdAt", createdAt),
                    ("@hasFile", hasFile));
                await insert.ExecuteNonQueryAsync(ct);
            }

            var text = SearchHighlight.Strip(document.Text);
            Bind(addText, ("@docId", docId), ("@text", SqliteCjk.IndexedText(text)), ("@chat", ChatToken(document.ChatId)),
                ("@cjk", CjkText.BigramText(text)));
            await addText.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task RemoveAsync(IReadOnlyCollection<SearchDocumentKey> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var (_, signalId) in documents)
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
        var terms = SqliteSearchTerm.Of(query.Words);
        if (terms.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("@match", ChatCondition(query.ChatId) + " AND " + Expression(terms));
        command.Parameters.AddWithValue("@chatId", query.ChatId.ToString("D"));
        return await BestAsync(command, "search_text MATCH @match AND d.chat_id = @chatId", terms, query.Offset, query.Limit, ct);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchChatsAsync(GlobalSearchQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        var terms = SqliteSearchTerm.Of(query.Words);
        var words = terms.Count == 0 ? null : Expression(terms);
        if (query.ChatIds.Count == 0 || (words is null && (query.Words.Count > 0 || query.Filters.IsEmpty)))
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        await using var command = connection.CreateCommand();
        // The caller's chats go in as one JSON array: one statement whatever their number. SQLite
        // reads the array once into a temporary index and checks each candidate against it while it
        // walks the matches newest first (search_documents' primary key), so it stops as soon as a
        // page is full instead of joining and sorting every match of a common word.
        const string filters = """
            d.chat_id IN (SELECT value FROM json_each(@chatIds))
              AND (@senderId IS NULL OR d.sender_id = @senderId)
              AND (@after IS NULL OR d.created_at >= @after)
              AND (@before IS NULL OR d.created_at < @before)
              AND (@hasFile = 0 OR d.has_file = 1)
            """;
        var newest = words is null || query.Sort == SearchSort.Newest;
        if (words is null)
        {
            // Filters only: the newest messages that pass them, with the start of their text.
            command.CommandText = $"""
                SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at, substr(search_text.text, 1, @chars), d.doc_id
                FROM search_documents d
                JOIN search_text ON search_text.rowid = d.doc_id
                WHERE {filters}
                ORDER BY d.doc_id DESC
                """;
            command.Parameters.AddWithValue("@chars", Math.Clamp(options.SnippetWords, 1, 64) * 8);
        }
        else
        {
            command.Parameters.AddWithValue("@match", words);
            if (newest)
            {
                AddSnippetParameters(command);
                command.CommandText = $"""
                    SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at,
                           snippet(search_text, 0, @start, @end, '…', @words), search_text.rowid
                    FROM search_text
                    JOIN search_documents d ON d.doc_id = search_text.rowid
                    WHERE search_text MATCH @match AND {filters}
                    ORDER BY search_text.rowid DESC
                    """;
            }
        }

        command.Parameters.AddWithValue("@chatIds", "[" + string.Join(',', query.ChatIds.Select(id => $"\"{id:D}\"")) + "]");
        command.Parameters.AddWithValue("@senderId", query.Filters.SenderId is { } sender ? sender.ToString("D") : DBNull.Value);
        command.Parameters.AddWithValue("@after", query.Filters.After is { } after ? ToText(after) : DBNull.Value);
        command.Parameters.AddWithValue("@before", query.Filters.Before is { } before ? ToText(before) : DBNull.Value);
        command.Parameters.AddWithValue("@hasFile", query.Filters.HasFile ? 1 : 0);
        return newest
            ? await ReadNewestAsync(command, query.Offset, query.Limit, ct)
            : await BestAsync(command, $"search_text MATCH @match AND {filters}", terms, query.Offset, query.Limit, ct);
    }

    private void AddSnippetParameters(SqliteCommand command)
    {
        command.Parameters.AddWithValue("@start", SearchHighlight.Start);
        command.Parameters.AddWithValue("@end", SearchHighlight.End);
        command.Parameters.AddWithValue("@words", Math.Clamp(options.SnippetWords, 1, 64));
    }

    /// <summary>
    /// Reads rows in key order (newest first, to the millisecond) until it has <paramref name="offset"/>
    /// + <paramref name="limit"/> of them and the next row is from an earlier millisecond, then orders
    /// them exactly (time, then signal id, both descending) and takes the page. Closing the reader
    /// there ends SQLite's scan: a page costs the rows it shows, not every match.
    /// </summary>
    private static async Task<IReadOnlyList<SearchHit>> ReadNewestAsync(SqliteCommand command, int offset, int limit, CancellationToken ct)
    {
        var wanted = offset + limit;
        var rows = new List<(SearchHit Hit, string SignalId)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            long? boundary = null;
            while (await reader.ReadAsync(ct))
            {
                var key = reader.GetInt64(5);
                if (boundary is { } last && !SqliteSearchKeys.SameMillisecond(key, last))
                {
                    break;
                }

                rows.Add((ReadHit(reader), reader.GetString(0)));
                if (rows.Count == wanted)
                {
                    boundary = key;
                }
            }
        }

        rows.Sort((a, b) => a.Hit.CreatedAt != b.Hit.CreatedAt
            ? b.Hit.CreatedAt.CompareTo(a.Hit.CreatedAt)
            : string.CompareOrdinal(b.SignalId, a.SignalId));
        return [.. rows.Skip(offset).Take(limit).Select(r => r.Hit)];
    }

    private static SearchHit ReadHit(SqliteDataReader reader) =>
        Hit(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4));

    private static SearchHit Hit(string signalId, string chatId, string senderId, string createdAt, string snippet) => new(
        Guid.ParseExact(signalId, "D"),
        Guid.ParseExact(chatId, "D"),
        Guid.ParseExact(senderId, "D"),
        new DateTimeOffset(DateTime.ParseExact(createdAt, TimeFormat, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero),
        SqliteCjk.Snippet(snippet));

    /// <summary>
    /// <c>text : "w1" AND text : "w2"*</c>, or null when no word has anything to find (see
    /// <see cref="SqliteSearchTerm.Of"/> for how words become FTS5 strings). A search in one chat
    /// puts <c>chat : "c…" AND</c> before it.
    /// </summary>
    public static string? WordsExpression(IReadOnlyList<string> words) =>
        SqliteSearchTerm.Of(words) is { Count: > 0 } terms ? Expression(terms) : null;

    private static string Expression(IReadOnlyList<SqliteSearchTerm> terms) => string.Join(" AND ", terms.Select(t => t.Expression));

    private static string ChatCondition(Guid chatId) => $"chat : \"{ChatToken(chatId)}\"";

    public void Dispose()
    {
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        _schema.Dispose();
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
