using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Chats;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Meilisearch;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Bench;

/// <summary>
/// Indexing throughput and search latency: sends N messages (<c>--messages</c>, a tenth of them
/// Japanese-like CJK text) through the SQLite store (each with its search job), drains the jobs
/// into FTS5 as the server's worker does, then runs searches (whole words, prefixes, a CJK word)
/// in random chats, and global searches over every chat of a user who is in all of them
/// (<c>--chats</c>, 200 by default: the issue's "user in 200 chats"), both at the index and
/// through <see cref="GlobalSearchService"/> (which also reads the user's chats from the store).
/// The issue's full run is <c>-- search --messages 1000000 --direct</c>: <c>--direct</c> writes the
/// documents straight into FTS5 in the worker's batches of 500, skipping the store's send path
/// (one transaction per message, ~1,000/s here, 20 minutes at 1M). The global searches also run
/// best first's SQL before it ranked the candidates itself ("before" rows, same data, same run;
/// decision 0019, 2026-11-30 (2)), and with <c>--all-before</c> the SQL before it walked matches
/// newest first. <c>--keep</c> leaves the database file for EXPLAIN QUERY PLAN, and <c>--database PATH</c>
/// searches such a kept file again without indexing anything. With MEILISEARCH_URL set,
/// also indexes the same messages into Meilisearch and searches there.
/// </summary>
public sealed class SearchBenchmark : IBenchmark
{
    public string Name => "search";

    public string Description =>
        "index --messages (100,000) into FTS5 (and Meilisearch with MEILISEARCH_URL); indexing rate, p50/p99 of word, prefix, CJK and global searches";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var messages = Option(args, "--messages", 100_000);
        var chats = Option(args, "--chats", 200);
        var queries = Option(args, "--queries", 2_000);
        var direct = args.Contains("--direct");
        var database = TextOption(args, "--database");
        var keep = args.Contains("--keep") || database is not null;
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-bench-search", Guid.NewGuid().ToString("N"));
        var path = database is null ? Path.Combine(folder, "petitchat.db") : Path.GetFullPath(database);
        var random = new Random(42);
        var vocabulary = Vocabulary(random, 5_000);
        var cjkVocabulary = CjkVocabulary(random, 3_000);

        try
        {
            using var store = new SqliteChatStore(new SqliteStoreOptions { Path = path });
            using var fts = new SqliteSearchIndex(new SqliteSearchOptions { Path = path });
            var now = DateTimeOffset.UtcNow;
            var alice = await store.UpsertUserAsync(new UserClaims("bench-a", "alice", "Alice", []), Guid.CreateVersion7(now), now, ct);
            Guid[] chatIds;
            var texts = new List<(Guid ChatId, string Text)>();
            if (database is not null)
            {
                // A kept database (--keep): same words (same seed), its chats and messages as they are.
                await fts.InitializeAsync(ct);
                (chatIds, messages) = await KeptAsync(path, ct);
                chats = chatIds.Length;
                Console.WriteLine($"search: kept database {path}: {messages:N0} messages in {chats} chats, {vocabulary.Length:N0} distinct words, {queries:N0} searches");
            }
            else
            {
                Console.WriteLine($"search: {messages:N0} messages in {chats} chats, {vocabulary.Length:N0} distinct words, {queries:N0} searches");
                (chatIds, texts) = await FillAsync(store, fts, alice.Id, messages, chats, direct, now, vocabulary, cjkVocabulary, random, ct);
            }

            await MeasureBeforeAsync(path, chatIds, vocabulary, random, queries, args.Contains("--all-before"), ct);
            await MeasureSearchAsync("FTS5", fts, chatIds, vocabulary, cjkVocabulary, random, queries, ct);

            // The chat list a global search reads first: whole summaries page by page (what it did
            // before) against ids, kinds and names only (what it does now), in the same run.
            await MeasureChatListAsync(store, alice.Id, chats, queries, ct);

            // Through the service: the caller's chats are read from the store on every search.
            var global = new GlobalSearchService(store, store, fts, PetitChat.Core.Common.ChatLimits.Default, GlobalSearchOptions.Default);
            var samples = new List<double>(queries);
            for (var i = 0; i < queries; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var page = await global.SearchAsync(alice.Id, new GlobalSearchRequest(Word(random, vocabulary), null, null, null, null, null, null, null, 20), ct);
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!page.Succeeded)
                {
                    throw new InvalidOperationException(page.Failure.Detail);
                }
            }

            Console.WriteLine($"  search {"FTS5",-11} {$"global, service ({chats})",-19} {Percentiles.Of(samples)}  (store's chat list + index)");

            if (Environment.GetEnvironmentVariable("MEILISEARCH_URL") is { Length: > 0 } url && texts.Count > 0)
            {
                await MeilisearchAsync(new Uri(url), texts, alice.Id, now, chatIds, vocabulary, random, queries, ct);
            }
            else
            {
                Console.WriteLine("  Meilisearch: skipped (set MEILISEARCH_URL, and MEILISEARCH_KEY if it has a master key; not with --database)");
            }
        }
        finally
        {
            if (keep)
            {
                Console.WriteLine($"  database kept: {path}");
            }
            else if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    /// <summary>Users, chats and messages, indexed straight into FTS5 (<c>--direct</c>) or sent through the store and drained.</summary>
    private static async Task<(Guid[] ChatIds, List<(Guid ChatId, string Text)> Texts)> FillAsync(
        SqliteChatStore store, SqliteSearchIndex fts, Guid aliceId, int messages, int chats, bool direct, DateTimeOffset now,
        string[] vocabulary, string[] cjkVocabulary, Random random, CancellationToken ct)
    {
        var bob = await store.UpsertUserAsync(new UserClaims("bench-b", "bob", "Bob", []), Guid.CreateVersion7(now), now, ct);
        var chatIds = new Guid[chats];
        for (var i = 0; i < chats; i++)
        {
            var chat = new Chat(Guid.CreateVersion7(now), ChatKind.Group, $"chat {i}", aliceId, now, now, null);
            chatIds[i] = (await store.CreateChatAsync(chat, [aliceId, bob.Id], ct)).Chat.Id;
        }

        var texts = new List<(Guid ChatId, string Text)>(messages);
        for (var i = 0; i < messages; i++)
        {
            texts.Add((chatIds[random.Next(chats)], i % 10 == 9 ? CjkSentence(random, cjkVocabulary) : Sentence(random, vocabulary)));
        }

        if (direct)
        {
            // The index alone, in the worker's batches: what a reindex or a busy outbox costs.
            var clock = Stopwatch.StartNew();
            var at = now;
            foreach (var batch in texts.Chunk(500))
            {
                var documents = new List<SearchDocument>(batch.Length);
                foreach (var (chatId, text) in batch)
                {
                    at = at.AddTicks(10_000);
                    documents.Add(new SearchDocument(Guid.CreateVersion7(at), chatId, aliceId, text, at));
                }

                await fts.UpsertAsync(documents, ct);
            }

            Console.WriteLine($"  index direct (FTS5):     {Rate(messages, clock.Elapsed)} (batches of 500, no store)");
        }
        else
        {
            // The send path: each append is one transaction with its search job.
            var clock = Stopwatch.StartNew();
            var at = now;
            foreach (var (chatId, text) in texts)
            {
                at = at.AddTicks(10_000);
                await store.AppendSignalAsync(new Signal(Guid.CreateVersion7(at), chatId, SignalKind.Message, aliceId, text, null, at, null, null, []), ct);
            }

            Console.WriteLine($"  send with job (SQLite):  {Rate(messages, clock.Elapsed)}");

            // The worker's path: claim jobs, read the signals, write FTS5, complete the jobs.
            clock.Restart();
            var indexer = new SearchIndexer(store, store, fts, TimeProvider.System, SearchIndexerOptions.Default with { BatchSize = 500 });
            var drained = await indexer.DrainAsync(ct);
            Console.WriteLine($"  index from jobs (FTS5):  {Rate(drained.Indexed, clock.Elapsed)} ({drained.Claimed:N0} jobs)");
        }

        return (chatIds, texts);
    }

    /// <summary>The chats and the number of indexed messages of a database kept by an earlier run.</summary>
    private static async Task<(Guid[] ChatIds, int Messages)> KeptAsync(string path, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        var chatIds = new List<Guid>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT id FROM chats ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                chatIds.Add(Guid.ParseExact(reader.GetString(0), "D"));
            }
        }

        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM search_documents";
        return ([.. chatIds], (int)(long)(await count.ExecuteScalarAsync(ct))!);
    }

    private static async Task MeilisearchAsync(
        Uri url, List<(Guid ChatId, string Text)> texts, Guid senderId, DateTimeOffset start, Guid[] chatIds, string[] vocabulary,
        Random random, int queries, CancellationToken ct)
    {
        var indexName = "petitchat-bench-" + Guid.NewGuid().ToString("N")[..8];
        using var meili = new MeilisearchIndex(new MeilisearchOptions
        {
            Url = url,
            ApiKey = Environment.GetEnvironmentVariable("MEILISEARCH_KEY"),
            Index = indexName,
            TaskTimeout = TimeSpan.FromMinutes(10),
        });
        await meili.EnsureReadyAsync(ct);
        var clock = Stopwatch.StartNew();
        var at = start;
        foreach (var batch in texts.Chunk(5_000))
        {
            var documents = batch.Select(t =>
            {
                at = at.AddTicks(10_000);
                return new SearchDocument(Guid.CreateVersion7(at), t.ChatId, senderId, t.Text, at);
            }).ToList();
            await meili.UpsertAsync(documents, ct);
        }

        Console.WriteLine($"  index (Meilisearch {indexName}, batches of 5,000, each awaited): {Rate(texts.Count, clock.Elapsed)}");
        await MeasureSearchAsync("Meilisearch", meili, chatIds, vocabulary, CjkVocabulary(random, 3_000), random, queries, ct);
        Console.WriteLine($"  (index {indexName} is left in place; delete it with DELETE /indexes/{indexName})");
    }

    private static async Task MeasureSearchAsync(
        string engine, ISearchIndex index, Guid[] chatIds, string[] vocabulary, string[] cjkVocabulary, Random random, int queries, CancellationToken ct)
    {
        foreach (var (kind, make) in new (string, Func<string[]>)[]
        {
            ("one word", () => [Word(random, vocabulary)]),
            ("two words", () => [Word(random, vocabulary), Word(random, vocabulary)]),
            ("prefix (3 letters)", () => [Word(random, vocabulary)[..3]]),
            ("CJK word", () => [Word(random, cjkVocabulary)]),
        })
        {
            var samples = new List<double>(queries);
            var hits = 0L;
            for (var i = 0; i < queries; i++)
            {
                var query = new SearchQuery(chatIds[random.Next(chatIds.Length)], make(), 0, 21);
                var started = Stopwatch.GetTimestamp();
                hits += (await index.SearchAsync(query, ct)).Count;
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            Console.WriteLine($"  search {engine,-11} {kind,-19} {Percentiles.Of(samples)}  (avg {hits / (double)queries:F1} hits of 21 max)");
        }

        // Global: every chat, as for a user who is in all of them; best first and newest first.
        foreach (var sort in new[] { SearchSort.Best, SearchSort.Newest })
        {
            var samples = new List<double>(queries);
            var hits = 0L;
            for (var i = 0; i < queries; i++)
            {
                var query = new GlobalSearchQuery(chatIds, [Word(random, vocabulary)], SearchFilters.None, sort, 0, 21);
                var started = Stopwatch.GetTimestamp();
                hits += (await index.SearchChatsAsync(query, ct)).Count;
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var kind = $"global {sort.ToString().ToLowerInvariant()} ({chatIds.Length})";
            Console.WriteLine($"  search {engine,-11} {kind,-19} {Percentiles.Of(samples)}  (avg {hits / (double)queries:F1} hits of 21 max)");
        }
    }

    /// <summary>
    /// The SQL the index ran before, on the same data, only to print "before" beside "now":
    /// decision 0019's best first (bm25() over the newest 1,000 matches, in one chat and across
    /// every chat), and the same candidates with bm25(), without, and with their text as the index
    /// now reads them (the split: what the rank, the text and the rest cost). With
    /// <c>--all-before</c>, also the global search before 0019 (join and sort every match), which
    /// takes seconds a search at a million messages.
    /// </summary>
    private static async Task MeasureBeforeAsync(
        string path, Guid[] chatIds, string[] vocabulary, Random random, int queries, bool allBefore, CancellationToken ct)
    {
        const string everyMatch = """
            SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at,
                   snippet(search_text, 0, '[', ']', '…', 16)
            FROM search_text
            JOIN search_documents d ON d.doc_id = search_text.rowid
            WHERE search_text MATCH @match AND d.chat_id IN (SELECT value FROM json_each(@chatIds))
            ORDER BY {0}
            LIMIT 21
            """;
        const string bm25Best = """
            WITH candidates AS (
                SELECT search_text.rowid AS doc_id, d.signal_id, bm25(search_text, 1.0, 0.0, 1.0) AS rank
                FROM search_text
                JOIN search_documents d ON d.doc_id = search_text.rowid
                WHERE search_text MATCH @match AND {0}
                ORDER BY search_text.rowid DESC
                LIMIT 1000
            ),
            page AS (
                SELECT doc_id, rank, signal_id FROM candidates ORDER BY rank, signal_id DESC LIMIT 21
            )
            SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at, snippet(search_text, 0, '[', ']', '…', 16)
            FROM page
            CROSS JOIN search_text ON search_text.rowid = page.doc_id
            JOIN search_documents d ON d.doc_id = page.doc_id
            WHERE search_text MATCH @match
            ORDER BY page.rank, page.signal_id DESC
            """;
        const string candidatesOnly = """
            SELECT search_text.rowid, d.signal_id{1}
            FROM search_text
            JOIN search_documents d ON d.doc_id = search_text.rowid
            WHERE search_text MATCH @match AND {0}
            ORDER BY search_text.rowid DESC
            LIMIT 1000
            """;
        const string inChats = "d.chat_id IN (SELECT value FROM json_each(@chatIds))";
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        var chats = "[" + string.Join(',', chatIds.Select(id => $"\"{id:D}\"")) + "]";
        var rows = new List<(string Kind, string Sql, bool OneChat, string Note)>
        {
            ("one word", string.Format(CultureInfo.InvariantCulture, bm25Best, "d.chat_id = @chatId"), true, "0019: bm25() over the newest 1,000"),
            ("one word", string.Format(CultureInfo.InvariantCulture, candidatesOnly, "d.chat_id = @chatId", ", search_text.text"), true,
                "split: the chat's 1,000 candidates with their text, no rank"),
            ($"global best ({chatIds.Length})", string.Format(CultureInfo.InvariantCulture, bm25Best, inChats), false, "0019: bm25() over the newest 1,000"),
            ($"global best ({chatIds.Length})", string.Format(CultureInfo.InvariantCulture, candidatesOnly, inChats, ", bm25(search_text, 1.0, 0.0, 1.0)"), false,
                "split: the 1,000 candidates with bm25()"),
            ($"global best ({chatIds.Length})", string.Format(CultureInfo.InvariantCulture, candidatesOnly, inChats, ""), false,
                "split: the 1,000 candidates without bm25()"),
            ($"global best ({chatIds.Length})", string.Format(CultureInfo.InvariantCulture, candidatesOnly, inChats, ", search_text.text"), false,
                "split: the 1,000 candidates with their text, no rank"),
        };
        if (allBefore)
        {
            rows.Add(($"global best ({chatIds.Length})", string.Format(CultureInfo.InvariantCulture, everyMatch, "bm25(search_text, 1.0, 0.0, 1.0), d.signal_id DESC"),
                false, "before 0019: join and sort every match"));
            rows.Add(($"global newest ({chatIds.Length})", string.Format(CultureInfo.InvariantCulture, everyMatch, "d.created_at DESC, d.signal_id DESC"),
                false, "before 0019: join and sort every match"));
        }

        foreach (var (kind, sql, oneChat, note) in rows)
        {
            var samples = new List<double>(queries);
            for (var i = 0; i < queries; i++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = sql;
                var chatId = chatIds[random.Next(chatIds.Length)];
                var words = SqliteSearchIndex.WordsExpression([Word(random, vocabulary)]);
                command.Parameters.AddWithValue("@match", oneChat ? $"chat : \"c{chatId:N}\" AND {words}" : words);
                command.Parameters.AddWithValue("@chatIds", chats);
                command.Parameters.AddWithValue("@chatId", chatId.ToString("D"));
                var started = Stopwatch.GetTimestamp();
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                    }
                }

                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            Console.WriteLine($"  search {"FTS5 before",-11} {kind,-19} {Percentiles.Of(samples)}  ({note})");
        }
    }

    private static async Task MeasureChatListAsync(SqliteChatStore store, Guid userId, int chats, int queries, CancellationToken ct)
    {
        var limits = PetitChat.Core.Common.ChatLimits.Default;
        var summaries = new List<double>(queries);
        var refs = new List<double>(queries);
        for (var i = 0; i < queries; i++)
        {
            var started = Stopwatch.GetTimestamp();
            string? cursor = null;
            do
            {
                cursor = (await store.ListChatsAsync(userId, limits.MaxPageSize, cursor, ct)).NextCursor;
            }
            while (cursor is not null);

            summaries.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            started = Stopwatch.GetTimestamp();
            await store.ListChatRefsAsync(userId, GlobalSearchOptions.Default.MaxChats, ct);
            refs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        Console.WriteLine($"  chat list  {"SQLite",-11} {$"summaries ({chats})",-19} {Percentiles.Of(summaries)}  (ListChatsAsync pages: before)");
        Console.WriteLine($"  chat list  {"SQLite",-11} {$"refs ({chats})",-19} {Percentiles.Of(refs)}  (ListChatRefsAsync: now)");
    }

    private static string Rate(int count, TimeSpan elapsed) =>
        string.Create(CultureInfo.InvariantCulture, $"{count / elapsed.TotalSeconds,10:N0} messages/s ({count:N0} in {elapsed.TotalSeconds:F1} s)");

    /// <summary>Pronounceable made-up words, some with accents, so that FTS5 folds diacritics as it would for real text.</summary>
    private static string[] Vocabulary(Random random, int size)
    {
        string[] syllables = ["ka", "lo", "mi", "ré", "su", "ta", "ne", "vo", "pi", "dé", "ru", "sa", "to", "la", "mo", "gé", "bu", "ni", "fa", "zo"];
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < size)
        {
            var length = random.Next(2, 5);
            words.Add(string.Concat(Enumerable.Range(0, length).Select(_ => syllables[random.Next(syllables.Length)])));
        }

        return [.. words];
    }

    /// <summary>Two-character words of Han ideographs and kana, as Japanese and Chinese words mostly are.</summary>
    private static string[] CjkVocabulary(Random random, int size)
    {
        const string characters = "東京天気晴雨雪風山川海空花鳥月日本語学校先生電車駅会社仕事時間今明後前新古大小高安食飲話読書見聞行来出入上下中外左右北南西春夏秋冬朝昼夜";
        const string kana = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわん";
        var words = new HashSet<string>(StringComparer.Ordinal);
        while (words.Count < size)
        {
            var first = characters[random.Next(characters.Length)];
            var second = random.Next(4) == 0 ? kana[random.Next(kana.Length)] : characters[random.Next(characters.Length)];
            words.Add(string.Concat(first, second));
        }

        return [.. words];
    }

    /// <summary>CJK words run together with particles between them and no spaces, as in Japanese.</summary>
    private static string CjkSentence(Random random, string[] vocabulary)
    {
        string[] particles = ["の", "は", "を", "に", "が", "で", ""];
        return string.Concat(Enumerable.Range(0, random.Next(3, 10)).Select(_ => Word(random, vocabulary) + particles[random.Next(particles.Length)])) + "。";
    }

    /// <summary>A word with a skewed distribution: a few words are common, most are rare (as in chat text).</summary>
    private static string Word(Random random, string[] vocabulary) =>
        vocabulary[(int)(vocabulary.Length * Math.Pow(random.NextDouble(), 3))];

    private static string Sentence(Random random, string[] vocabulary) =>
        string.Join(' ', Enumerable.Range(0, random.Next(4, 20)).Select(_ => Word(random, vocabulary)));

    private static string? TextOption(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
