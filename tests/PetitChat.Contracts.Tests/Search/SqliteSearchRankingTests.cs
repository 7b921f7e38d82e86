using Microsoft.Data.Sqlite;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// Best first on FTS5, ranked by <see cref="SqliteBm25"/> over the candidates instead of FTS5's
/// bm25(): the tokens it ranks on are the index's own, and the ranking is BM25's (term frequency,
/// length, the rarer word weighing more). A fresh database file per test.
/// </summary>
public sealed class SqliteSearchRankingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteSearchIndex _index;
    private long _clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public SqliteSearchRankingTests() => _index = new SqliteSearchIndex(new SqliteSearchOptions { Path = Path.Combine(_folder, "search.db") });

    private static CancellationToken Ct => CancellationToken.None;

    public void Dispose()
    {
        _index.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Theory]
    [InlineData("Où est l'élève ? Ça va très bien, merci")]
    [InlineData("Die Größe der Übermaß-Straße, ÄÖÜ äöü")]
    [InlineData("東京の天気は晴れです")]
    [InlineData("我喜欢在北京吃烤鸭")]
    [InlineData("서울에서 친구를 만났어요")]
    [InlineData("新しいiPhoneの価格は高い")]
    [InlineData("version 2.0.1 — 50% off, fête 🎉 ok_done CAFÉ")]
    [InlineData("Καλημέρα κόσμε, Привет мир")]
    [InlineData("Đà Nẵng, Hà Nội, Łódź, Øre, Ærø, Şişli, Ţară, ǅemal")]
    [InlineData("Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ and ½ ① ²")]
    public async Task Tokens_are_the_ones_fts5_indexes(string text)
    {
        var indexed = SqliteCjk.IndexedText(text);
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            CREATE VIRTUAL TABLE t USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
            CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');
            INSERT INTO t (text) VALUES (@text);
            SELECT term FROM v ORDER BY "offset";
            """;
        command.Parameters.AddWithValue("@text", indexed);
        var fts5 = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                fts5.Add(reader.GetString(0));
            }
        }

        Assert.Equal(fts5, SqliteBm25.Tokens(indexed));
    }

    [Fact]
    public async Task A_message_with_the_word_more_often_ranks_first()
    {
        var chat = Guid.NewGuid();
        var more = await AddAsync(chat, "harbour harbour harbour boats");
        var once = await AddAsync(chat, "harbour lights and boats");

        Assert.Equal([more, once], await BestAsync(chat, "harbour"));
    }

    [Fact]
    public async Task A_shorter_message_with_the_word_ranks_first()
    {
        var chat = Guid.NewGuid();
        var shorter = await AddAsync(chat, "harbour today");
        var longer = await AddAsync(chat, "harbour and then many other words about a long day at the office with the whole team");

        Assert.Equal([shorter, longer], await BestAsync(chat, "harbour"));
    }

    [Fact]
    public async Task Of_two_words_the_rarer_weighs_more()
    {
        var chat = Guid.NewGuid();
        // "alpha" is in many messages, "beta" in two: the message with beta three times beats the
        // one with alpha three times, though it is older (ties go to the newest).
        await _index.UpsertAsync([.. Enumerable.Range(0, 40).Select(i => Document(Guid.NewGuid(), $"alpha filler {i}"))], Ct);
        var rareMore = await AddAsync(chat, "alpha beta beta beta");
        var commonMore = await AddAsync(chat, "alpha alpha alpha beta");

        Assert.Equal([rareMore, commonMore], await BestAsync(chat, "alpha beta"));
        Assert.Equal([rareMore, commonMore], await GlobalBestAsync(chat, "beta alpha"));
    }

    [Fact]
    public async Task Best_first_across_chats_ranks_as_in_one_chat()
    {
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
        var more = await AddAsync(first, "ferry ferry ferry schedule");
        var once = await AddAsync(second, "ferry schedule for the weekend");

        Assert.Equal([more, once], await GlobalBestAsync(first, "ferry", second));
    }

    [Fact]
    public async Task A_prefix_marks_the_whole_words_it_matched_as_written()
    {
        var chat = Guid.NewGuid();
        await AddAsync(chat, "Rendez-vous au Café Zoé, puis cafés et CAFETERIA");

        var hit = Assert.Single(await _index.SearchAsync(new SearchQuery(chat, ["caf"], 0, 20), Ct));

        Assert.Contains($"{SearchHighlight.Start}Café{SearchHighlight.End}", hit.Snippet, StringComparison.Ordinal);
        Assert.Contains($"{SearchHighlight.Start}cafés{SearchHighlight.End}", hit.Snippet, StringComparison.Ordinal);
        Assert.Contains($"{SearchHighlight.Start}CAFETERIA{SearchHighlight.End}", hit.Snippet, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prefix_is_asked_as_the_whole_words_it_matched()
    {
        var term = Assert.Single(SqliteSearchTerm.Of(["Caf"]));
        var documents = new[] { SqliteBm25.Tokens("Café au lait, cafés"), SqliteBm25.Tokens("un café") };

        var completions = SqliteBm25.Completions(documents, term, 16);

        Assert.Equal(("text : \"Caf\"*", true), (term.Expression, term.Prefix));
        Assert.Equal(["cafe", "cafes"], completions);
        Assert.Equal("(text : \"cafe\" OR text : \"cafes\")", term.ExactExpression(completions));
    }

    [Fact]
    public void Bm25_counts_phrases_and_prefixes_as_fts5_matches_them()
    {
        var tokens = SqliteBm25.Tokens("New York, new yorkers and NEW YORK again");

        Assert.Equal(2, SqliteBm25.Frequency(tokens, ["new", "york"], prefix: false));
        Assert.Equal(3, SqliteBm25.Frequency(tokens, ["new", "york"], prefix: true));
        Assert.Equal(0, SqliteBm25.Frequency(tokens, ["yorkers", "new"], prefix: false));
    }

    private SearchDocument Document(Guid chatId, string text)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Increment(ref _clock));
        return new SearchDocument(Guid.CreateVersion7(at), chatId, Guid.NewGuid(), text, at);
    }

    private async Task<Guid> AddAsync(Guid chatId, string text)
    {
        var document = Document(chatId, text);
        await _index.UpsertAsync([document], Ct);
        return document.SignalId;
    }

    private async Task<List<Guid>> BestAsync(Guid chatId, string query) =>
        [.. (await _index.SearchAsync(new SearchQuery(chatId, SearchWords.Split(query), 0, 20), Ct)).Select(h => h.SignalId)];

    private async Task<List<Guid>> GlobalBestAsync(Guid chatId, string query, params Guid[] more) =>
        [.. (await _index.SearchChatsAsync(
            new GlobalSearchQuery([chatId, .. more], SearchWords.Split(query), SearchFilters.None, SearchSort.Best, 0, 20), Ct)).Select(h => h.SignalId)];
}
