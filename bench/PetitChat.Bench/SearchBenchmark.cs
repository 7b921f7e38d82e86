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
/// the SQL the index ran before it walked matches newest first ("before" rows, same data, same
/// run). <c>--keep</c> leaves the database file for EXPLAIN QUERY PLAN. With MEILISEARCH_URL set,
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
        var keep = args.Contains("--keep");
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-bench-search", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "petitchat.db");
        var random = new Random(42);
        var vocabulary = Vocabulary(random, 5_000);
        var cjkVocabulary = CjkVocabulary(random, 3_000);
        Console.WriteLine($"search: {messages:N0} messages in {chats} chats, {vocabulary.Length:N0} distinct words, {queries:N0} searches");

        try
        {
            using var store = new SqliteChatStore(new SqliteStoreOptions { Path = path });
            using var fts = new SqliteSearchIndex(new SqliteSearchOptions { Path = path });
            var now = DateTimeOffset.UtcNow;
            var alice = await store.UpsertUserAsync(new UserClaims("bench-a", "alice", "Alice", []), Guid.CreateVersion7(now), now, ct);
            var bob = await store.UpsertUserAsync(new UserClaims("bench-b", "bob", "Bob", []), Guid.CreateVersion7(now), now, ct);
            var chatIds = new Guid[chats];
            for (var i = 0; i < chats; i++)
            {
                var chat = new Chat(Guid.CreateVersion7(now), ChatKind.Group, $"chat {i}", alice.Id, now, now, null);
                chatIds[i] = (await store.CreateChatAsync(chat, [alice.Id, bob.Id], ct)).Chat.Id;
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
                        documents.Add(new SearchDocument(Guid.CreateVersion7(at), chatId, alice.Id, text, at));
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
                    await store.AppendSignalAsync(new Signal(Guid.CreateVersion7(at), chatId, SignalKind.Message, alice.Id, text, null, at, null, null, []), ct);
                }

                Console.WriteLine($"  send with job (SQLite):  {Rate(messages, clock.Elapsed)}");

                // The worker's path: claim jobs, read the signals, write FTS5, complete the jobs.
                clock.Restart();
                var indexer = new SearchIndexer(store, store, fts, TimeProvider.System, SearchIndexerOptions.Default with { BatchSize = 500 });
                var drained = await indexer.DrainAsync(ct);
                Console.WriteLine($"  index from jobs (FTS5):  {Rate(drained.Indexed, clock.Elapsed)} ({drained.Claimed:N0} jobs)");
            }

            await MeasureBeforeAsync(path, chatIds, vocabulary, random, queries, ct);
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

            if (Environment.GetEnvironmentVariable("MEILISEARCH_URL") is { Length: > 0 } url)
            {
                await MeilisearchAsync(new Uri(url), texts, alice.Id, now, chatIds, vocabulary, random, queries, ct);
            }
            else
            {
                Console.WriteLine("  Meilisearch: skipped (set MEILISEARCH_URL, and MEILISEARCH_KEY if it has a master key)");
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
    /// The global search's SQL before issue 20's scale work, on the same data: join every match
    /// with its document, filter by chat, then sort them all (by time, or by bm25 with a snippet
    /// for each). Kept here, not in the index, only to print "before" beside "now".
    /// </summary>
    private static async Task MeasureBeforeAsync(string path, Guid[] chatIds, string[] vocabulary, Random random, int queries, CancellationToken ct)
    {
        const string before = """
            SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at,
                   snippet(search_text, 0, '[', ']', '…', 16)
            FROM search_text
            JOIN search_documents d ON d.doc_id = search_text.rowid
            WHERE search_text MATCH @match AND d.chat_id IN (SELECT value FROM json_each(@chatIds))
            ORDER BY {0}
            LIMIT 21
            """;
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync(ct);
        var chats = "[" + string.Join(',', chatIds.Select(id => $"\"{id:D}\"")) + "]";
        foreach (var (sort, order) in new[] { ("best", "bm25(search_text, 1.0, 0.0, 1.0), d.signal_id DESC"), ("newest", "d.created_at DESC, d.signal_id DESC") })
        {
            var samples = new List<double>(queries);
            for (var i = 0; i < queries; i++)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = string.Format(CultureInfo.InvariantCulture, before, order);
                command.Parameters.AddWithValue("@match", SqliteSearchIndex.WordsExpression([Word(random, vocabulary)]));
                command.Parameters.AddWithValue("@chatIds", chats);
                var started = Stopwatch.GetTimestamp();
                await using (var reader = await command.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                    }
                }

                samples.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            var kind = $"global {sort} ({chatIds.Length})";
            Console.WriteLine($"  search {"FTS5 before",-11} {kind,-19} {Percentiles.Of(samples)}  (join and sort every match: the SQL before)");
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

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }
}
