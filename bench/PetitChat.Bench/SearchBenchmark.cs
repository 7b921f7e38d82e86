using System.Diagnostics;
using System.Globalization;
using PetitChat.Core.Chats;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Meilisearch;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Bench;

/// <summary>
/// Indexing throughput and search latency: sends N messages through the SQLite store (each
/// with its search job), drains the jobs into FTS5 as the server's worker does, then runs
/// searches (whole words and prefixes) in random chats. With MEILISEARCH_URL set, also
/// indexes the same messages into Meilisearch and searches there.
/// </summary>
public sealed class SearchBenchmark : IBenchmark
{
    public string Name => "search";

    public string Description => "index 100,000 messages into FTS5 (and Meilisearch with MEILISEARCH_URL); indexing rate, p50/p99 search";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var messages = Option(args, "--messages", 100_000);
        var chats = Option(args, "--chats", 100);
        var queries = Option(args, "--queries", 2_000);
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-bench-search", Guid.NewGuid().ToString("N"));
        var path = Path.Combine(folder, "petitchat.db");
        var random = new Random(42);
        var vocabulary = Vocabulary(random, 5_000);
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
                texts.Add((chatIds[random.Next(chats)], Sentence(random, vocabulary)));
            }

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

            await MeasureSearchAsync("FTS5", fts, chatIds, vocabulary, random, queries, ct);

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
            if (Directory.Exists(folder))
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
        await MeasureSearchAsync("Meilisearch", meili, chatIds, vocabulary, random, queries, ct);
        Console.WriteLine($"  (index {indexName} is left in place; delete it with DELETE /indexes/{indexName})");
    }

    private static async Task MeasureSearchAsync(
        string engine, ISearchIndex index, Guid[] chatIds, string[] vocabulary, Random random, int queries, CancellationToken ct)
    {
        foreach (var (kind, make) in new (string, Func<string[]>)[]
        {
            ("one word", () => [Word(random, vocabulary)]),
            ("two words", () => [Word(random, vocabulary), Word(random, vocabulary)]),
            ("prefix (3 letters)", () => [Word(random, vocabulary)[..3]]),
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
