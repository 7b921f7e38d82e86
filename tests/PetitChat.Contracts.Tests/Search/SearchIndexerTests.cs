using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using PetitChat.Contracts.Tests.Events;
using PetitChat.Core.Chats;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Meilisearch;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// Durable indexing end to end: the SQLite store's search jobs drained into an index, across a
/// restart and across a Meilisearch that is down. Time is a manual clock, so backoff is checked
/// without waiting.
/// </summary>
public sealed class SearchIndexerTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly ManualTime _time = new(DateTimeOffset.UtcNow);
    private readonly List<IDisposable> _owned = [];

    private static CancellationToken Ct => CancellationToken.None;

    private string DatabasePath => Path.Combine(_folder, "petitchat.db");

    [Fact]
    public async Task Drain_indexes_sent_messages_and_completes_their_jobs()
    {
        var store = Store();
        var index = Fts();
        var chat = await NewChatAsync(store);
        var sent = await SendAsync(store, chat, "the otter found a shell");
        await SendAsync(store, chat, "nothing else");

        var drain = await Indexer(store, index).DrainAsync(Ct);

        Assert.Equal((2, 2, 0, null), (drain.Claimed, drain.Indexed, drain.Removed, drain.Failure));
        var hit = Assert.Single(await index.SearchAsync(new SearchQuery(chat.Id, ["otter"], 0, 10), Ct));
        Assert.Equal(sent.Id, hit.SignalId);
        Assert.Equal(0, (await Indexer(store, index).DrainAsync(Ct)).Claimed);
    }

    [Fact]
    public async Task Drain_reads_the_signals_of_a_batch_with_one_store_read_per_chat()
    {
        var store = Store();
        var index = Fts();
        var (first, second) = (await NewChatAsync(store), await NewChatAsync(store));
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(store, first, $"otter {i}");
            await SendAsync(store, second, $"badger {i}");
        }

        var timeline = CountingSignalStore.Over(store);
        var drain = await new SearchIndexer(timeline, store, index, _time, SearchIndexerOptions.Default).DrainOnceAsync(Ct);

        Assert.Equal((10, 10, 0), (drain.Claimed, drain.Indexed, drain.Removed));
        Assert.Equal(["GetSignalsByIdAsync", "GetSignalsByIdAsync"], ((CountingSignalStore)(object)timeline).Calls);
        Assert.Equal(5, (await index.SearchAsync(new SearchQuery(first.Id, ["otter"], 0, 10), Ct)).Count);
        Assert.Equal(5, (await index.SearchAsync(new SearchQuery(second.Id, ["badger"], 0, 10), Ct)).Count);
    }

    [Fact]
    public async Task Drain_ends_after_a_batch_that_was_not_full_without_claiming_again()
    {
        var store = Store();
        var index = Fts();
        var chat = await NewChatAsync(store);
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(store, chat, $"otter {i}");
        }

        // 5 jobs in batches of 2: two full ones, then one of 1, and no empty claim after it
        // (an empty claim is a write transaction beside the sends' commits).
        var jobs = new ClaimCountingJobs(store);
        var drain = await new SearchIndexer(store, jobs, index, _time, SearchIndexerOptions.Default with { BatchSize = 2 }).DrainAsync(Ct);

        Assert.Equal((5, 5), (drain.Claimed, drain.Indexed));
        Assert.Equal(3, jobs.Claims);
        Assert.Equal(5, (await index.SearchAsync(new SearchQuery(chat.Id, ["otter"], 0, 10), Ct)).Count);
    }

    [Fact]
    public async Task Drain_indexes_a_message_with_only_attachments_for_has_file()
    {
        var store = Store();
        var index = Fts();
        var chat = await NewChatAsync(store);
        var now = _time.GetUtcNow();
        var fileOnly = (await store.AppendSignalAsync(
            new Signal(Guid.CreateVersion7(now), chat.Id, SignalKind.Message, chat.CreatedBy, null, null, now, null, null, []) { AttachmentIds = [Guid.NewGuid()] },
            Ct)).Signal;

        var drain = await Indexer(store, index).DrainAsync(Ct);

        Assert.Equal((1, 1, 0), (drain.Claimed, drain.Indexed, drain.Removed));
        var hit = Assert.Single(await index.SearchChatsAsync(
            new GlobalSearchQuery([chat.Id], [], new SearchFilters(null, null, null, true), SearchSort.Newest, 0, 10), Ct));
        Assert.Equal(fileOnly.Id, hit.SignalId);
    }

    [Fact]
    public async Task Jobs_written_before_a_restart_are_indexed_after_it()
    {
        Chat chat;
        Signal sent;
        using (var before = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath }))
        {
            chat = await NewChatAsync(before);
            sent = await SendAsync(before, chat, "the badger survived the restart");
        }

        var store = Store();
        var index = Fts();
        await Indexer(store, index).DrainAsync(Ct);

        Assert.Equal([sent.Id], (await index.SearchAsync(new SearchQuery(chat.Id, ["badger"], 0, 10), Ct)).Select(h => h.SignalId));
    }

    [Fact]
    public async Task Messages_stored_before_search_existed_are_indexed_after_the_upgrade()
    {
        Chat chat;
        Signal old;
        using (var before = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath }))
        {
            chat = await NewChatAsync(before);
            old = await SendAsync(before, chat, "the tortoise predates search");
        }

        // Back to the schema before the search step (issue 4's, the step before issue 20's CJK
        // step): no jobs, no index, and none of the columns that later steps add.
        var cjkStep = SqliteSchema.VersionBefore(SqliteSearchSchema.Step);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var downgrade = connection.CreateCommand();
            downgrade.CommandText = "DROP TABLE search_jobs; DROP TABLE search_documents; DROP TABLE search_text; "
                + UndoAddedColumns(cjkStep + 1) + "PRAGMA user_version = " + (cjkStep - 1).ToString(CultureInfo.InvariantCulture);
            await downgrade.ExecuteNonQueryAsync();
        }

        var store = Store();
        var index = Fts();
        await Indexer(store, index).DrainAsync(Ct);

        Assert.Equal([old.Id], (await index.SearchAsync(new SearchQuery(chat.Id, ["tortoise"], 0, 10), Ct)).Select(h => h.SignalId));
    }

    [Fact]
    public async Task Messages_indexed_before_cjk_search_are_indexed_again_with_bigrams_after_the_upgrade()
    {
        Chat chat;
        Signal old;
        using (var before = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath }))
        {
            chat = await NewChatAsync(before);
            old = await SendAsync(before, chat, "東京の天気は晴れです");
        }

        // Back to the FTS5 table of the step before (no cjk column, no has_file), with the message
        // indexed and its job done, as a server of that version left it.
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var downgrade = connection.CreateCommand();
            downgrade.CommandText = """
                DROP TABLE search_text;
                CREATE VIRTUAL TABLE search_text USING fts5(text, chat, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
                DROP INDEX search_documents_by_chat;
                ALTER TABLE search_documents DROP COLUMN has_file;
                DELETE FROM search_jobs;
                INSERT INTO search_documents (signal_id, chat_id, sender_id, created_at) SELECT id, chat_id, sender_id, created_at FROM signals;
                INSERT INTO search_text (rowid, text, chat) SELECT doc_id, '東京の天気は晴れです', 'c' || replace(chat_id, '-', '') FROM search_documents;
                """ + UndoAddedColumns(SqliteSchema.VersionBefore(SqliteSearchSchema.Step) + 1)
                + "PRAGMA user_version = " + SqliteSchema.VersionBefore(SqliteSearchSchema.Step).ToString(CultureInfo.InvariantCulture);
            await downgrade.ExecuteNonQueryAsync();
        }

        var store = Store();
        var index = Fts();
        var drain = await Indexer(store, index).DrainAsync(Ct);

        Assert.Equal(1, drain.Indexed);
        Assert.Equal([old.Id], (await index.SearchAsync(new SearchQuery(chat.Id, ["天気"], 0, 10), Ct)).Select(h => h.SignalId));
    }

    [Fact]
    public async Task Messages_indexed_under_counter_rowids_are_indexed_again_and_found_newest_first_after_the_upgrade()
    {
        var store = Store();
        var chat = await NewChatAsync(store);
        var older = await SendAsync(store, chat, "the otter slept");
        _time.Advance(TimeSpan.FromMinutes(1));
        var newer = await SendAsync(store, chat, "the otter woke");
        using (var first = new SqliteSearchIndex(new SqliteSearchOptions { Path = DatabasePath }))
        {
            await Indexer(store, first).DrainAsync(Ct);
        }

        // Back to the step before time keys: rowids were counters, here in reindex order (newest
        // first), so a newest-first scan by rowid would meet the older message first.
        var before = SqliteSchema.VersionBefore(SqliteSearchSchema.TimeKeysStep);
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var downgrade = connection.CreateCommand();
            downgrade.CommandText = """
                DELETE FROM search_jobs;
                CREATE TEMP TABLE old AS SELECT d.signal_id, d.chat_id, d.sender_id, d.created_at, d.has_file, t.text, t.chat, t.cjk
                    FROM search_documents d JOIN search_text t ON t.rowid = d.doc_id;
                DELETE FROM search_text;
                DELETE FROM search_documents;
                INSERT INTO search_documents (doc_id, signal_id, chat_id, sender_id, created_at, has_file)
                    SELECT row_number() OVER (ORDER BY created_at DESC), signal_id, chat_id, sender_id, created_at, has_file FROM old;
                INSERT INTO search_text (rowid, text, chat, cjk)
                    SELECT d.doc_id, o.text, o.chat, o.cjk FROM old o JOIN search_documents d ON d.signal_id = o.signal_id;
                """ + UndoAddedColumns(before + 1) + "PRAGMA user_version = " + before.ToString(CultureInfo.InvariantCulture);
            await downgrade.ExecuteNonQueryAsync();
        }

        var index = Fts();
        var drain = await Indexer(Store(), index).DrainAsync(Ct);

        Assert.Equal(2, drain.Indexed);
        var hits = await index.SearchChatsAsync(new GlobalSearchQuery([chat.Id], ["otter"], SearchFilters.None, SearchSort.Newest, 0, 10), Ct);
        Assert.Equal([newer.Id, older.Id], hits.Select(h => h.SignalId));
    }

    [Fact]
    public async Task An_index_an_earlier_version_kept_in_the_stores_file_moves_to_its_own_file_once_and_finds_the_same()
    {
        var store = Store();
        var chat = await NewChatAsync(store);
        var older = await SendAsync(store, chat, "the otter slept");
        _time.Advance(TimeSpan.FromMinutes(1));
        var newer = await SendAsync(store, chat, "the otter woke");
        await Indexer(store, Fts()).DrainAsync(Ct);
        var own = new SqliteSearchIndex(new SqliteSearchOptions { Path = SqliteSearchOptions.BesideStore(DatabasePath) });
        _owned.Add(own);

        await Initializer(own, store).StartAsync(Ct);
        var drain = await Indexer(store, own).DrainAsync(Ct);
        await Initializer(own, store).StartAsync(Ct);
        var drainedAgain = await Indexer(store, own).DrainAsync(Ct);

        Assert.Equal(2, drain.Indexed);
        Assert.Equal(0, drainedAgain.Claimed);
        var hits = await own.SearchChatsAsync(new GlobalSearchQuery([chat.Id], ["otter"], SearchFilters.None, SearchSort.Newest, 0, 10), Ct);
        Assert.Equal([newer.Id, older.Id], hits.Select(h => h.SignalId));
        Assert.Empty(await Fts().SearchAsync(new SearchQuery(chat.Id, ["otter"], 0, 10), Ct));
    }

    [Fact]
    public async Task An_index_kept_in_the_stores_file_on_purpose_stays_there()
    {
        var store = Store();
        var chat = await NewChatAsync(store);
        var sent = await SendAsync(store, chat, "the otter slept");
        var inStoreFile = Fts();
        await Indexer(store, inStoreFile).DrainAsync(Ct);

        await Initializer(inStoreFile, store).StartAsync(Ct);

        Assert.Equal(0, (await Indexer(store, inStoreFile).DrainAsync(Ct)).Claimed);
        Assert.Equal([sent.Id], (await inStoreFile.SearchAsync(new SearchQuery(chat.Id, ["otter"], 0, 10), Ct)).Select(h => h.SignalId));
    }

    [Fact]
    public async Task A_down_meilisearch_loses_no_job_and_is_retried_with_backoff_against_documented_meilisearch_shapes()
    {
        var store = Store();
        var port = LoopbackPort.Free();
        using var meili = new MeilisearchIndex(new MeilisearchOptions
        {
            Url = new Uri($"http://127.0.0.1:{port}"),
            ApiKey = "key",
            Index = "messages",
            TaskPollInterval = TimeSpan.FromMilliseconds(20),
        });
        var indexer = Indexer(store, meili);
        var chat = await NewChatAsync(store);
        var sent = await SendAsync(store, chat, "the heron waited patiently");

        var down = await indexer.DrainAsync(Ct);
        Assert.IsType<SearchUnavailableException>(down.Failure);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(1), down.RetryAt);

        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, (await indexer.DrainAsync(Ct)).Claimed);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var stillDown = await indexer.DrainAsync(Ct);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(2), stillDown.RetryAt);

        await using var up = await DocumentedMeilisearch.StartAsync("key", port);
        _time.Advance(TimeSpan.FromSeconds(2));
        var drained = await indexer.DrainAsync(Ct);

        Assert.Equal((1, 1, null), (drained.Claimed, drained.Indexed, drained.Failure));
        Assert.Equal([sent.Id], (await meili.SearchAsync(new SearchQuery(chat.Id, ["heron"], 0, 10), Ct)).Select(h => h.SignalId));
        Assert.Empty(up.Violations);
    }

    [Fact]
    public void Backoff_doubles_from_the_first_retry_up_to_the_longest()
    {
        var options = SearchIndexerOptions.Default;

        Assert.Equal(
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300],
            Enumerable.Range(1, 11).Select(attempt => options.RetryAfter(attempt).TotalSeconds));
        Assert.Equal(TimeSpan.FromMinutes(5), options.RetryAfter(int.MaxValue));
    }

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private SqliteChatStore Store()
    {
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = DatabasePath });
        _owned.Add(store);
        return store;
    }

    private SqliteSearchIndex Fts()
    {
        var index = new SqliteSearchIndex(new SqliteSearchOptions { Path = DatabasePath });
        _owned.Add(index);
        return index;
    }

    private static SqliteSearchInitializer Initializer(SqliteSearchIndex index, SqliteChatStore store) =>
        new(index, store, NullLogger<SqliteSearchInitializer>.Instance);

    private SearchIndexer Indexer(SqliteChatStore store, ISearchIndex index) => new(store, store, index, _time, SearchIndexerOptions.Default);

    private async Task<Chat> NewChatAsync(SqliteChatStore store)
    {
        var now = _time.GetUtcNow();
        var a = await store.UpsertUserAsync(new UserClaims("sub-" + Guid.NewGuid(), "a" + Guid.NewGuid().ToString("N")[..8], "A", []), Guid.CreateVersion7(now), now, Ct);
        var b = await store.UpsertUserAsync(new UserClaims("sub-" + Guid.NewGuid(), "b" + Guid.NewGuid().ToString("N")[..8], "B", []), Guid.CreateVersion7(now), now, Ct);
        var (chat, _) = await store.CreateChatAsync(new Chat(Guid.CreateVersion7(now), ChatKind.Group, "g", a.Id, now, now, null), [a.Id, b.Id], Ct);
        return chat;
    }

    private async Task<Signal> SendAsync(SqliteChatStore store, Chat chat, string text)
    {
        var now = _time.GetUtcNow();
        var signal = new Signal(Guid.CreateVersion7(now), chat.Id, SignalKind.Message, chat.CreatedBy, text, null, now, null, null, []);
        return (await store.AppendSignalAsync(signal, Ct)).Signal;
    }

    /// <summary>
    /// SQL that undoes what the steps from <paramref name="version"/> on add (their indexes, then
    /// their columns, newest first), so that a database set back to that version runs them again
    /// as an older server's would.
    /// </summary>
    private static string UndoAddedColumns(int version)
    {
        var steps = SqliteSchema.StepsAfter(version).ToList();
        var indexes = steps.SelectMany(step => System.Text.RegularExpressions.Regex.Matches(step, @"CREATE (?:UNIQUE )?INDEX (\w+)"))
            .Select(index => $"DROP INDEX IF EXISTS {index.Groups[1].Value}; ");
        var columns = steps.SelectMany(step => System.Text.RegularExpressions.Regex.Matches(step, @"ALTER TABLE (\w+) ADD COLUMN (\w+)"))
            .Reverse()
            .Select(added => $"ALTER TABLE {added.Groups[1].Value} DROP COLUMN {added.Groups[2].Value}; ");
        return string.Concat(indexes.Concat(columns));
    }

    /// <summary>The store's search jobs, counting the claims made on them.</summary>
    private sealed class ClaimCountingJobs(ISearchJobStore inner) : ISearchJobStore
    {
        public int Claims { get; private set; }

        public Task<IReadOnlyList<SearchJob>> ClaimSearchJobsAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
        {
            Claims++;
            return inner.ClaimSearchJobsAsync(limit, now, leaseUntil, ct);
        }

        public Task CompleteSearchJobsAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken ct) => inner.CompleteSearchJobsAsync(jobIds, ct);

        public Task RetrySearchJobsAsync(IReadOnlyCollection<Guid> jobIds, DateTimeOffset dueAt, CancellationToken ct) => inner.RetrySearchJobsAsync(jobIds, dueAt, ct);
    }
}
