using System.Text.Json.Nodes;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Meilisearch;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// The Meilisearch adapter against <see cref="DocumentedMeilisearch"/>, a protocol-level
/// stand-in that checks each request against the shapes recorded from Meilisearch's API
/// reference and answers with the documented responses (no Meilisearch can run here). Each
/// test ends by asserting that no request broke a documented shape.
/// </summary>
public sealed class MeilisearchAdapterTests : IAsyncLifetime
{
    private const string Key = "test-master-key";
    private DocumentedMeilisearch _meili = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _meili = await DocumentedMeilisearch.StartAsync(Key);

    public async Task DisposeAsync() => await _meili.DisposeAsync();

    [Fact]
    public async Task Start_up_creates_the_index_and_applies_its_settings_against_documented_meilisearch_shapes()
    {
        using var index = Adapter("messages");

        await index.EnsureReadyAsync(Ct);

        Assert.Equal(
            ["POST /indexes", "GET /tasks/0", "GET /tasks/0", "PATCH /indexes/messages/settings", "GET /tasks/1", "GET /tasks/1"],
            _meili.Calls);
        var create = Body("POST /indexes");
        Assert.Equal(("messages", "id"), (create["uid"]!.GetValue<string>(), create["primaryKey"]!.GetValue<string>()));
        var settings = Body("PATCH /indexes/messages/settings");
        Assert.Equal(["chatId", "senderId", "createdAtMs", "hasFile"], Strings(settings["filterableAttributes"]));
        Assert.Equal(["createdAtMs"], Strings(settings["sortableAttributes"]));
        Assert.Equal(["text"], Strings(settings["searchableAttributes"]));
        Assert.Empty(_meili.Violations);
    }

    [Fact]
    public async Task Start_up_accepts_an_index_that_already_exists_against_documented_meilisearch_shapes()
    {
        using (var first = Adapter("messages"))
        {
            await first.EnsureReadyAsync(Ct);
        }

        using var second = Adapter("messages");
        await second.EnsureReadyAsync(Ct);

        Assert.Equal(2, _meili.Calls.Count(c => c == "PATCH /indexes/messages/settings"));
        Assert.Empty(_meili.Violations);
    }

    [Fact]
    public async Task Upsert_returns_only_after_its_task_succeeded_against_documented_meilisearch_shapes()
    {
        using var index = Adapter("messages");
        await index.EnsureReadyAsync(Ct);
        _meili.PollsBeforeDone = 3;
        var document = Document(Guid.NewGuid(), "the parcel arrived");

        await index.UpsertAsync([document], Ct);

        Assert.Equal(1, _meili.DocumentCount);
        Assert.Equal(4, _meili.Calls.Count(c => c == "GET /tasks/2"));
        var sent = Assert.Single(Body("POST /indexes/messages/documents").AsArray())!.AsObject();
        Assert.Equal(document.SignalId.ToString("D"), sent["id"]!.GetValue<string>());
        Assert.Equal(document.ChatId.ToString("D"), sent["chatId"]!.GetValue<string>());
        Assert.Equal("the parcel arrived", sent["text"]!.GetValue<string>());
        Assert.Empty(_meili.Violations);
    }

    [Fact]
    public async Task A_failed_task_is_an_error_the_indexer_retries_against_documented_meilisearch_shapes()
    {
        using var index = Adapter("messages");
        await index.EnsureReadyAsync(Ct);
        _meili.FailNextTask = _meili.ErrorBody("internal");

        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() =>
            index.UpsertAsync([Document(Guid.NewGuid(), "lost?")], Ct));

        Assert.Contains("internal", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, _meili.DocumentCount);
        Assert.Empty(_meili.Violations);
    }

    [Fact]
    public async Task Search_filters_on_the_chat_and_reads_highlighted_hits_against_documented_meilisearch_shapes()
    {
        using var index = Adapter("messages");
        var (chat, other) = (Guid.NewGuid(), Guid.NewGuid());
        var mine = Document(chat, "the parcel arrived on Thursday");
        await index.UpsertAsync([mine, Document(other, "the parcel arrived on Thursday")], Ct);

        var hits = await index.SearchAsync(new SearchQuery(chat, ["Parcel"], 0, 5), Ct);

        var hit = Assert.Single(hits);
        Assert.Equal((mine.SignalId, mine.ChatId, mine.SenderId, mine.CreatedAt), (hit.SignalId, hit.ChatId, hit.SenderId, hit.CreatedAt));
        Assert.Contains(SearchHighlight.Start + "parcel" + SearchHighlight.End, hit.Snippet, StringComparison.Ordinal);
        var request = Body("POST /indexes/messages/search");
        Assert.Equal($"chatId = \"{chat:D}\"", request["filter"]!.GetValue<string>());
        Assert.Equal("all", request["matchingStrategy"]!.GetValue<string>());
        Assert.Equal((SearchHighlight.Start, SearchHighlight.End),
            (request["highlightPreTag"]!.GetValue<string>(), request["highlightPostTag"]!.GetValue<string>()));
        Assert.Equal(["text"], Strings(request["attributesToCrop"]));
        Assert.Equal((0, 5), (request["offset"]!.GetValue<int>(), request["limit"]!.GetValue<int>()));
        Assert.Empty(_meili.Violations);
    }

    [Fact]
    public async Task Remove_deletes_documents_by_batch_against_documented_meilisearch_shapes()
    {
        using var index = Adapter("messages");
        var document = Document(Guid.NewGuid(), "to be deleted");
        await index.UpsertAsync([document], Ct);

        await index.RemoveAsync([new SearchDocumentKey(document.ChatId, document.SignalId)], Ct);

        Assert.Equal(0, _meili.DocumentCount);
        Assert.Equal([document.SignalId.ToString("D")], Strings(Body("POST /indexes/messages/documents/delete-batch")));
        Assert.Empty(_meili.Violations);
    }

    [Theory]
    [InlineData(null, "missing_authorization_header")]
    [InlineData("wrong-key", "invalid_api_key")]
    public async Task A_missing_or_wrong_key_is_reported_against_documented_meilisearch_shapes(string? key, string code)
    {
        using var index = new MeilisearchIndex(new MeilisearchOptions { Url = _meili.Url, ApiKey = key, Index = "messages" });

        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() => index.EnsureReadyAsync(Ct));

        Assert.Contains(code, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_meilisearch_is_unavailable_not_a_crash()
    {
        using var index = new MeilisearchIndex(new MeilisearchOptions { Url = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}"), ApiKey = Key });

        await Assert.ThrowsAsync<SearchUnavailableException>(() => index.SearchAsync(new SearchQuery(Guid.NewGuid(), ["x"], 0, 5), Ct));
    }

    [Theory]
    [InlineData("plain", "chatId = \"plain\"")]
    [InlineData("x\" OR chatId = \"y", "chatId = \"x\\\" OR chatId = \\\"y\"")]
    [InlineData("back\\\" OR 1", "chatId = \"back\\\\\\\" OR 1\"")]
    public void Filter_values_are_quoted_and_escaped_so_they_cannot_add_conditions(string value, string expected)
    {
        var filter = MeilisearchFilter.Equal("chatId", value);

        Assert.Equal(expected, filter);
        // Outside the value there are exactly two quotes: the ones that open and close it.
        var unescaped = 0;
        for (var i = 0; i < filter.Length; i++)
        {
            if (filter[i] == '\\')
            {
                i++;
            }
            else if (filter[i] == '"')
            {
                unescaped++;
            }
        }

        Assert.Equal(2, unescaped);
    }

    [Fact]
    public void Query_words_lose_phrase_quotes_and_negation_but_keep_their_text()
    {
        Assert.Equal("door stop a b NEAR(x", MeilisearchFilter.Query(["\"door\"", "-stop", "a\"-b", "NEAR(x"]));
    }

    [Fact]
    public void Recorded_examples_name_their_documentation_page()
    {
        var shapes = DocumentedMeilisearch.Shapes();
        foreach (var (name, shape) in shapes)
        {
            if (shape is JsonObject entry)
            {
                Assert.True(entry["doc"]?.GetValue<string>().Contains("meilisearch.com/docs/", StringComparison.Ordinal) == true,
                    $"{name} has no documentation page");
            }
        }
    }

    private MeilisearchIndex Adapter(string name) =>
        new(new MeilisearchOptions { Url = _meili.Url, ApiKey = Key, Index = name, TaskPollInterval = TimeSpan.FromMilliseconds(20) });

    private static SearchDocument Document(Guid chatId, string text)
    {
        var at = DateTimeOffset.UtcNow;
        return new SearchDocument(Guid.CreateVersion7(at), chatId, Guid.NewGuid(), text, at);
    }

    private JsonNode Body(string call) => _meili.Bodies.Last(b => b.Call == call).Body!;

    private static List<string> Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.ToString())];
}
