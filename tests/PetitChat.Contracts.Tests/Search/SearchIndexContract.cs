using PetitChat.Core.Search;
using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// Every behaviour of <see cref="ISearchIndex"/>, run against each adapter by a subclass that only
/// says how to build one. Tests use fresh chat ids, so they also hold on an index shared with
/// other tests. Words are chosen far apart so that Meilisearch's typo tolerance cannot blur them.
/// </summary>
public abstract class SearchIndexContract : IAsyncLifetime
{
    private long _clock = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected ISearchIndex Index { get; private set; } = null!;

    protected static CancellationToken Ct => CancellationToken.None;

    /// <summary>An index ready for use; a subclass may skip the tests here (no engine configured).</summary>
    protected abstract Task<ISearchIndex> CreateIndexAsync();

    protected virtual Task DisposeIndexAsync(ISearchIndex index) => Task.CompletedTask;

    public async Task InitializeAsync() => Index = await CreateIndexAsync();

    public Task DisposeAsync() => Index is null ? Task.CompletedTask : DisposeIndexAsync(Index);

    [SkippableFact]
    public async Task Finds_a_message_by_one_of_its_words()
    {
        var chat = Guid.NewGuid();
        var hit = await AddAsync(chat, "The parcel arrives on Thursday");
        await AddAsync(chat, "Nothing to see in this one");

        var hits = await SearchAsync(chat, "parcel");

        Assert.Equal([hit.SignalId], Ids(hits));
    }

    [SkippableFact]
    public async Task Finds_only_messages_that_have_every_word()
    {
        var chat = Guid.NewGuid();
        var both = await AddAsync(chat, "the giraffe ate the pineapple");
        await AddAsync(chat, "the giraffe slept");
        await AddAsync(chat, "a pineapple fell");

        Assert.Equal([both.SignalId], Ids(await SearchAsync(chat, "giraffe pineapple")));
    }

    [SkippableFact]
    public async Task Ignores_case_and_accents_both_ways()
    {
        var chat = Guid.NewGuid();
        var accented = await AddAsync(chat, "Un Café crème à Besançon");
        var plain = await AddAsync(chat, "deja vu in Zurich");

        Assert.Equal([accented.SignalId], Ids(await SearchAsync(chat, "cafe CREME besancon")));
        Assert.Equal([accented.SignalId], Ids(await SearchAsync(chat, "CAFÉ")));
        Assert.Equal([plain.SignalId], Ids(await SearchAsync(chat, "Déjà ZÜRICH")));
    }

    [SkippableFact]
    public async Task Last_word_is_also_a_prefix()
    {
        var chat = Guid.NewGuid();
        var hit = await AddAsync(chat, "Quarterly organisation meeting moved");

        Assert.Equal([hit.SignalId], Ids(await SearchAsync(chat, "meeting organ")));
        Assert.Equal([hit.SignalId], Ids(await SearchAsync(chat, "quart")));
    }

    [SkippableFact]
    public async Task Never_returns_a_message_of_another_chat_with_the_same_words()
    {
        var (chatA, chatB) = (Guid.NewGuid(), Guid.NewGuid());
        var inA = await AddAsync(chatA, "salary review spreadsheet");
        var inB = await AddAsync(chatB, "salary review spreadsheet");

        Assert.Equal([inA.SignalId], Ids(await SearchAsync(chatA, "salary review spreadsheet")));
        Assert.Equal([inB.SignalId], Ids(await SearchAsync(chatB, "salary")));
        Assert.Empty(await SearchAsync(Guid.NewGuid(), "salary"));
    }

    [SkippableFact]
    public async Task Snippet_marks_the_matched_word_as_written()
    {
        var chat = Guid.NewGuid();
        await AddAsync(chat, "Meet me at the Café tomorrow");

        var hit = Assert.Single(await SearchAsync(chat, "cafe"));

        Assert.Contains(SearchHighlight.Start + "Café" + SearchHighlight.End, hit.Snippet, StringComparison.Ordinal);
        Assert.DoesNotContain(SearchHighlight.Start + "Meet", hit.Snippet, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Snippet_of_a_long_message_is_an_extract_around_the_match()
    {
        var chat = Guid.NewGuid();
        var filler = string.Join(' ', Enumerable.Range(0, 150).Select(i => $"filler{i}"));
        var document = await AddAsync(chat, $"{filler} the kangaroo jumped {filler}");

        var hit = Assert.Single(await SearchAsync(chat, "kangaroo"));

        Assert.True(hit.Snippet.Length < document.Text.Length / 4, $"the snippet is {hit.Snippet.Length} characters");
        Assert.Contains(SearchHighlight.Start + "kangaroo" + SearchHighlight.End, hit.Snippet, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Hit_names_the_signal_its_chat_sender_and_time()
    {
        var chat = Guid.NewGuid();
        var document = await AddAsync(chat, "invoice number seventeen");

        var hit = Assert.Single(await SearchAsync(chat, "invoice"));

        Assert.Equal((document.SignalId, document.ChatId, document.SenderId, document.CreatedAt), (hit.SignalId, hit.ChatId, hit.SenderId, hit.CreatedAt));
    }

    [SkippableTheory]
    [InlineData("\"door\"")]
    [InlineData("(now)")]
    [InlineData("OR")]
    [InlineData("NEAR")]
    [InlineData("door*")]
    [InlineData("-door")]
    [InlineData("x:y")]
    [InlineData("stop\"\"")]
    [InlineData("{text}")]
    [InlineData("now^")]
    [InlineData("door\0\"")]
    [InlineData("\u0001door\u007f")]
    public async Task Query_syntax_characters_are_plain_text(string query)
    {
        var chat = Guid.NewGuid();
        var hit = await AddAsync(chat, "Please stop (now) OR NEAR the \"door\" * x:y {text} ^");

        Assert.Equal([hit.SignalId], Ids(await SearchAsync(chat, query)));
    }

    [SkippableTheory]
    [InlineData("chat : \"c0\" OR text")]
    [InlineData("NEAR(stop door, 5)")]
    [InlineData("stop AND NOT door")]
    [InlineData("\"unterminated")]
    [InlineData("a\" OR \"b")]
    public async Task Hostile_queries_are_words_not_operators(string query)
    {
        // Read as FTS5 or filter syntax, each of these would match this message.
        var chat = Guid.NewGuid();
        await AddAsync(chat, "only text here: stop the door");

        Assert.Empty(await SearchAsync(chat, query));
    }

    [SkippableFact]
    public async Task Upsert_replaces_the_text_of_a_signal()
    {
        var chat = Guid.NewGuid();
        var first = await AddAsync(chat, "the walrus is sleeping");

        await Index.UpsertAsync([first with { Text = "the pelican is awake" }], Ct);

        Assert.Empty(await SearchAsync(chat, "walrus"));
        Assert.Equal([first.SignalId], Ids(await SearchAsync(chat, "pelican")));
    }

    [SkippableFact]
    public async Task Upsert_again_changes_nothing()
    {
        var chat = Guid.NewGuid();
        var document = await AddAsync(chat, "the lighthouse keeper");

        await Index.UpsertAsync([document, document], Ct);
        await Index.UpsertAsync([document], Ct);

        Assert.Equal([document.SignalId], Ids(await SearchAsync(chat, "lighthouse")));
    }

    [SkippableFact]
    public async Task Remove_takes_a_message_out_and_ignores_unknown_ids()
    {
        var chat = Guid.NewGuid();
        var gone = await AddAsync(chat, "the volcano erupted");
        var kept = await AddAsync(chat, "the volcano slept");

        await Index.RemoveAsync([Key(gone), new SearchDocumentKey(chat, Guid.NewGuid())], Ct);
        await Index.RemoveAsync([Key(gone)], Ct);

        Assert.Equal([kept.SignalId], Ids(await SearchAsync(chat, "volcano")));
    }

    [SkippableFact]
    public async Task Pages_through_every_match_once()
    {
        var chat = Guid.NewGuid();
        var all = new List<Guid>();
        var documents = Enumerable.Range(0, 25).Select(i => Document(chat, $"weekly report number {i}")).ToList();
        await Index.UpsertAsync(documents, Ct);
        all.AddRange(documents.Select(d => d.SignalId));

        var seen = new List<Guid>();
        for (var offset = 0; ; offset += 10)
        {
            var page = await Index.SearchAsync(new SearchQuery(chat, ["report"], offset, 10), Ct);
            seen.AddRange(page.Select(h => h.SignalId));
            if (page.Count < 10)
            {
                break;
            }
        }

        Assert.Equal(all.Order(), seen.Order());
    }

    [SkippableFact]
    public async Task Best_match_comes_first()
    {
        var chat = Guid.NewGuid();
        var loose = await AddAsync(chat,
            "budget notes: the trip was long and the weather bad, we will talk about it at the quarterly dinner, then a review of the hotels");
        var exact = await AddAsync(chat, "quarterly budget review");

        var hits = await SearchAsync(chat, "quarterly budget review");

        Assert.Equal([exact.SignalId, loose.SignalId], Ids(hits));
    }

    [SkippableTheory]
    [InlineData("東京の天気は晴れです", "東京")]
    [InlineData("東京の天気は晴れです", "天気")]
    [InlineData("東京の天気は晴れです", "晴れ")]
    [InlineData("我喜欢在北京吃烤鸭", "北京")]
    [InlineData("我喜欢在北京吃烤鸭", "烤鸭")]
    [InlineData("서울에서 친구를 만났어요", "서울")]
    [InlineData("서울에서 친구를 만났어요", "친구")]
    [InlineData("新しいiPhoneの価格は高い", "価格")]
    [InlineData("新しいiPhoneの価格は高い", "iphone")]
    public async Task Finds_a_word_inside_chinese_japanese_and_korean_text(string text, string word)
    {
        var chat = Guid.NewGuid();
        var hit = await AddAsync(chat, text);
        await AddAsync(chat, "大阪は雨でした 上海很冷 부산은 따뜻해요");

        Assert.Equal([hit.SignalId], Ids(await SearchAsync(chat, word)));
    }

    [SkippableFact]
    public async Task A_cjk_word_that_is_not_in_the_text_finds_nothing()
    {
        var chat = Guid.NewGuid();
        await AddAsync(chat, "東京の天気は晴れです");

        Assert.Empty(await SearchAsync(chat, "大阪"));
        Assert.Empty(await SearchAsync(chat, "天気 大阪"));
    }

    [SkippableFact]
    public async Task Snippet_marks_the_matched_cjk_characters()
    {
        var chat = Guid.NewGuid();
        await AddAsync(chat, "我喜欢在北京吃烤鸭");

        var hit = Assert.Single(await SearchAsync(chat, "烤鸭"));

        Assert.Contains(SearchHighlight.Start + "烤鸭" + SearchHighlight.End, hit.Snippet, StringComparison.Ordinal);
        Assert.Equal("我喜欢在北京吃烤鸭", hit.Snippet.Replace(SearchHighlight.Start, "", StringComparison.Ordinal).Replace(SearchHighlight.End, "", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task Folds_german_and_french_accents_beside_cjk_text()
    {
        var chat = Guid.NewGuid();
        var german = await AddAsync(chat, "Schöne Grüße aus München");
        var french = await AddAsync(chat, "Rendez-vous à l'hôtel de Tōkyō 東京");

        Assert.Equal([german.SignalId], Ids(await SearchAsync(chat, "schone MUNCHEN")));
        Assert.Equal([french.SignalId], Ids(await SearchAsync(chat, "hotel tokyo 東京")));
    }

    [SkippableFact]
    public async Task Global_search_covers_the_given_chats_only_and_names_each_hit_chat()
    {
        var (a, b, c, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var inA = await AddAsync(a, "marmalade recipe from grandma");
        var inB = await AddAsync(b, "the marmalade jar broke");
        var inC = await AddAsync(c, "マーマレード marmalade 東京");
        await AddAsync(other, "secret marmalade plan");

        var hits = await SearchChatsAsync([a, b, c], "marmalade");

        Assert.Equal(new[] { inA, inB, inC }.Select(d => (d.SignalId, d.ChatId)).Order(), hits.Select(h => (h.SignalId, h.ChatId)).Order());
        Assert.Equal([inC.SignalId], Ids(await SearchChatsAsync([a, b, c], "東京")));
        Assert.Empty(await SearchChatsAsync([a, b], "東京"));
        Assert.Empty(await SearchChatsAsync([], "marmalade"));
    }

    [SkippableFact]
    public async Task Global_search_filters_by_sender_time_and_file()
    {
        var chat = Guid.NewGuid();
        var early = await AddAsync(chat, "harbour meeting notes");
        var late = await AddAsync(chat, "harbour meeting photos");
        var withFile = Document(chat, "harbour meeting slides") with { HasFile = true };
        await Index.UpsertAsync([withFile], Ct);

        Assert.Equal([early.SignalId], Ids(await SearchChatsAsync([chat], "harbour", new SearchFilters(early.SenderId, null, null, false))));
        Assert.Equal([withFile.SignalId], Ids(await SearchChatsAsync([chat], "harbour", new SearchFilters(null, null, null, true))));
        Assert.Equal([withFile.SignalId, late.SignalId],
            Ids(await SearchChatsAsync([chat], "harbour", new SearchFilters(null, late.CreatedAt, null, false), SearchSort.Newest)));
        Assert.Equal([early.SignalId], Ids(await SearchChatsAsync([chat], "harbour", new SearchFilters(null, null, late.CreatedAt, false))));
    }

    [SkippableFact]
    public async Task Global_search_sorts_newest_first_and_finds_by_filters_alone()
    {
        var chat = Guid.NewGuid();
        var loose = await AddAsync(chat, "quarterly budget review");
        var newest = await AddAsync(chat, "a word about the budget, long after the quarterly review of everything else we did");

        Assert.Equal([newest.SignalId, loose.SignalId], Ids(await SearchChatsAsync([chat], "budget", sort: SearchSort.Newest)));
        Assert.Equal([newest.SignalId, loose.SignalId],
            Ids(await SearchChatsAsync([chat], "", new SearchFilters(null, loose.CreatedAt, null, false))));
        Assert.Empty(await SearchChatsAsync([chat], ""));
    }

    [SkippableFact]
    public async Task Global_search_finds_a_message_with_only_attachments_by_has_file()
    {
        var chat = Guid.NewGuid();
        await AddAsync(chat, "lighthouse drawing attached below");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Increment(ref _clock));
        var signal = new Signal(Guid.CreateVersion7(at), chat, SignalKind.Message, Guid.NewGuid(), null, null, at, null, null, [])
        {
            AttachmentIds = [Guid.NewGuid()],
        };
        var fileOnly = SearchDocument.From(signal);
        Assert.NotNull(fileOnly);
        await Index.UpsertAsync([fileOnly], Ct);

        Assert.Equal([fileOnly.SignalId], Ids(await SearchChatsAsync([chat], "", new SearchFilters(null, null, null, true))));
        Assert.Equal([fileOnly.SignalId], Ids(await SearchChatsAsync([chat], "", new SearchFilters(fileOnly.SenderId, null, null, false))));
        Assert.Empty(await SearchChatsAsync([chat], "lighthouse", new SearchFilters(null, null, null, true)));
    }

    protected SearchDocument Document(Guid chatId, string text)
    {
        var at = DateTimeOffset.FromUnixTimeMilliseconds(Interlocked.Increment(ref _clock));
        return new SearchDocument(Guid.CreateVersion7(at), chatId, Guid.NewGuid(), text, at);
    }

    protected async Task<SearchDocument> AddAsync(Guid chatId, string text)
    {
        var document = Document(chatId, text);
        await Index.UpsertAsync([document], Ct);
        return document;
    }

    protected Task<IReadOnlyList<SearchHit>> SearchAsync(Guid chatId, string query) =>
        Index.SearchAsync(new SearchQuery(chatId, SearchWords.Split(query), 0, 20), Ct);

    protected Task<IReadOnlyList<SearchHit>> SearchChatsAsync(
        IReadOnlyList<Guid> chatIds, string query, SearchFilters? filters = null, SearchSort sort = SearchSort.Best) =>
        Index.SearchChatsAsync(new GlobalSearchQuery(chatIds, SearchWords.Split(query), filters ?? SearchFilters.None, sort, 0, 20), Ct);

    protected static List<Guid> Ids(IEnumerable<SearchHit> hits) => [.. hits.Select(h => h.SignalId)];

    protected static SearchDocumentKey Key(SearchDocument document) => new(document.ChatId, document.SignalId);
}
