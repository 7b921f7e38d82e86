using System.Text;
using System.Text.Json.Nodes;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Elasticsearch;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Search;

/// <summary>
/// The Elasticsearch adapter against <see cref="ElasticsearchStandIn"/>: each test checks the
/// requests the adapter sends (paths, routing, NDJSON bulk lines, query JSON) and that it maps the
/// documented responses (hits, highlights, item errors, 429, 5xx). Reference pages:
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-create-index.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/indices-put-template.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/analysis-cjk-bigram-tokenfilter.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/mapping-routing-field.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-bulk.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/docs-delete-by-query.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/search-search.html,
/// https://www.elastic.co/guide/en/elasticsearch/reference/current/highlighting.html.
/// </summary>
public sealed class ElasticsearchAdapterStandInTests : IAsyncLifetime
{
    private const string IndexName = "petitchat-messages";
    private ElasticsearchStandIn _es = null!;

    private static CancellationToken Ct => CancellationToken.None;

    public Task InitializeAsync()
    {
        _es = ElasticsearchStandIn.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _es.DisposeAsync();

    [Fact]
    public async Task Start_up_puts_an_index_template_with_the_cjk_analyzer_routing_and_mappings_then_creates_the_index_from_it_StandIn()
    {
        using var index = Adapter(shards: 3);

        await index.EnsureReadyAsync(Ct);

        Assert.Equal([("PUT", $"/_index_template/{IndexName}-template"), ("PUT", "/" + IndexName)], _es.Requests.Select(r => (r.Method, r.Path)));
        Assert.True(_es.Requests[1].Body is "" or "{}", "the index is created without settings: the template gives them");
        var template = _es.Requests[0].Json;
        Assert.Equal([IndexName], ElasticsearchStandIn.Patterns(template));
        Assert.True(template["priority"]!.GetValue<int>() > 100);
        var body = template["template"]!;
        Assert.Equal(3, body["settings"]!["number_of_shards"]!.GetValue<int>());
        var analyzer = body["settings"]!["analysis"]!["analyzer"]![ElasticsearchQuery.Analyzer]!;
        Assert.Equal("standard", analyzer["tokenizer"]!.GetValue<string>());
        var filters = Strings(analyzer["filter"]);
        Assert.Equal(["cjk_width", "lowercase", "asciifolding"], filters[..3]);
        Assert.Equal("cjk_bigram", body["settings"]!["analysis"]!["filter"]![filters[3]]!["type"]!.GetValue<string>());
        var mappings = body["mappings"]!;
        Assert.True(mappings["_routing"]!["required"]!.GetValue<bool>());
        var types = mappings["properties"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!["type"]!.GetValue<string>());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["id"] = "keyword",
                ["chatId"] = "keyword",
                ["senderId"] = "keyword",
                ["createdAt"] = "date",
                ["hasFile"] = "boolean",
                ["text"] = "text",
            },
            types);
        Assert.Equal(ElasticsearchQuery.Analyzer, mappings["properties"]!["text"]!["analyzer"]!.GetValue<string>());
        Assert.Empty(_es.Violations);
    }

    [Fact]
    public async Task Start_up_accepts_an_index_that_already_exists_StandIn()
    {
        using var index = Adapter();
        _es.ExistingIndexes.Add(IndexName);

        await index.EnsureReadyAsync(Ct);
        await index.UpsertAsync([Document(Guid.NewGuid(), "after start-up")], Ct);

        Assert.Equal(["PUT", "PUT", "POST"], _es.Requests.Select(r => r.Method));
        Assert.Empty(_es.Violations);
    }

    [Fact]
    public async Task Upsert_sends_one_bulk_of_index_actions_routed_by_chat_and_waits_for_refresh_StandIn()
    {
        using var index = Adapter();
        var (a, b) = (Document(Guid.NewGuid(), "the parcel \uE000arrived\uE001"), Document(Guid.NewGuid(), "") with { HasFile = true });

        await index.UpsertAsync([a, b], Ct);

        var bulk = _es.Last("POST", "/_bulk");
        Assert.Equal($"/{IndexName}/_bulk", bulk.Path);
        Assert.Equal("wait_for", bulk.Query["refresh"]);
        Assert.Equal(4, bulk.Lines.Length);
        foreach (var (doc, at) in new[] { (a, 0), (b, 2) })
        {
            var action = JsonNode.Parse(bulk.Lines[at])!["index"]!;
            Assert.Equal(doc.SignalId.ToString("D"), action["_id"]!.GetValue<string>());
            Assert.Equal(doc.ChatId.ToString("D"), action["routing"]!.GetValue<string>());
            var source = JsonNode.Parse(bulk.Lines[at + 1])!;
            Assert.Equal(doc.ChatId.ToString("D"), source["chatId"]!.GetValue<string>());
            Assert.Equal(doc.SenderId.ToString("D"), source["senderId"]!.GetValue<string>());
            Assert.Equal(doc.HasFile, source["hasFile"]!.GetValue<bool>());
            Assert.Equal(doc.CreatedAt, DateTimeOffset.Parse(source["createdAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal("the parcel  arrived ", JsonNode.Parse(bulk.Lines[1])!["text"]!.GetValue<string>());
        Assert.Empty(_es.Violations);
    }

    [Fact]
    public async Task A_bulk_item_error_fails_the_batch_with_its_reason_so_the_indexer_retries_it_StandIn()
    {
        using var index = Adapter();
        var (good, bad) = (Document(Guid.NewGuid(), "fine"), Document(Guid.NewGuid(), "refused"));
        _es.FailItem = (bad.SignalId.ToString("D"), 400,
            ElasticsearchStandIn.Error("mapper_parsing_exception", "failed to parse field [createdAt]", 400)["error"]!.AsObject());

        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() => index.UpsertAsync([good, bad], Ct));

        Assert.Contains(bad.SignalId.ToString("D"), error.Message, StringComparison.Ordinal);
        Assert.Contains("mapper_parsing_exception", error.Message, StringComparison.Ordinal);
        Assert.Empty(_es.Violations);
    }

    [Theory]
    [InlineData(429, "es_rejected_execution_exception", "429 Too Many Requests")]
    [InlineData(503, "cluster_block_exception", "503 cluster_block_exception")]
    [InlineData(500, "null_pointer_exception", "500 null_pointer_exception")]
    public async Task Overload_and_server_errors_are_unavailable_with_a_clear_message_StandIn(int status, string type, string expected)
    {
        using var index = Adapter();
        await index.EnsureReadyAsync(Ct);
        _es.FailNext = (status, ElasticsearchStandIn.Error(type, "rejected execution of coordinating operation", status));

        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() => index.UpsertAsync([Document(Guid.NewGuid(), "x")], Ct));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("rejected execution of coordinating operation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_chat_search_sends_the_chat_routing_a_chat_filter_and_highlight_and_maps_the_hits_StandIn()
    {
        using var index = Adapter();
        var chat = Guid.NewGuid();
        var doc = Document(chat, "the parcel arrived on Thursday");
        var snippet = $"the {SearchHighlight.Start}parcel{SearchHighlight.End} arrived";
        _es.SearchAnswer = ElasticsearchStandIn.SearchResponse(
            ElasticsearchStandIn.Hit(IndexName, Source(doc), snippet),
            ElasticsearchStandIn.Hit(IndexName, Source(Document(Guid.NewGuid(), "the parcel of another chat")), null));

        var hits = await index.SearchAsync(new SearchQuery(chat, ["Parc"], 10, 5), Ct);

        var hit = Assert.Single(hits);
        Assert.Equal((doc.SignalId, doc.ChatId, doc.SenderId, doc.CreatedAt, snippet), (hit.SignalId, hit.ChatId, hit.SenderId, hit.CreatedAt, hit.Snippet));
        var search = _es.Last("POST", "/_search");
        Assert.Equal($"/{IndexName}/_search", search.Path);
        Assert.Equal(chat.ToString("D"), search.Query["routing"]);
        var body = search.Json;
        Assert.Equal((10, 5), (body["from"]!.GetValue<int>(), body["size"]!.GetValue<int>()));
        var query = body["query"]!["bool"]!;
        Assert.Equal(chat.ToString("D"), Term(Assert.Single(Clauses(query["filter"])), "chatId"));
        var match = Assert.Single(Clauses(query["must"]))["match_bool_prefix"]!["text"]!;
        Assert.Equal(("Parc", "and"), (match["query"]!.GetValue<string>(), match["operator"]!.GetValue<string>()));
        Assert.Equal("_score", body["sort"]![0]!.AsObject().Single().Key);
        var highlight = body["highlight"]!;
        Assert.Equal([SearchHighlight.Start], Strings(highlight["pre_tags"]));
        Assert.Equal([SearchHighlight.End], Strings(highlight["post_tags"]));
        Assert.NotNull(highlight["fields"]!["text"]);
        Assert.Empty(_es.Violations);
    }

    [Fact]
    public async Task Global_search_filters_with_terms_on_the_callers_chats_and_each_filter_without_routing_StandIn()
    {
        using var index = Adapter();
        var (chatA, chatB, sender) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var (after, before) = (DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));
        var doc = Document(chatB, "a file-only message");
        _es.SearchAnswer = ElasticsearchStandIn.SearchResponse(ElasticsearchStandIn.Hit(IndexName, Source(doc), null));

        var hits = await index.SearchChatsAsync(
            new GlobalSearchQuery([chatA, chatB], [], new SearchFilters(sender, after, before, HasFile: true), SearchSort.Best, 0, 20), Ct);

        Assert.Equal("a file-only message", Assert.Single(hits).Snippet);
        var search = _es.Last("POST", "/_search");
        Assert.False(search.Query.ContainsKey("routing"));
        var body = search.Json;
        var filters = Clauses(body["query"]!["bool"]!["filter"]);
        Assert.Equal([chatA.ToString("D"), chatB.ToString("D")], Strings(filters[0]["terms"]!["chatId"]));
        Assert.Equal(sender.ToString("D"), Term(filters[1], "senderId"));
        var range = filters[2]["range"]!["createdAt"]!;
        Assert.Equal(("1700000000000", "1800000000000", "epoch_millis"),
            (Scalar(range["gte"]), Scalar(range["lt"]), range["format"]!.GetValue<string>()));
        Assert.Equal("true", Term(filters[3], "hasFile"));
        Assert.Null(body["query"]!["bool"]!["must"]);
        // Without words nothing is scored: newest first.
        Assert.Equal("createdAt", body["sort"]![0]!.AsObject().Single().Key);
        Assert.Empty(_es.Violations);
    }

    [Fact]
    public async Task Global_search_never_returns_a_hit_of_a_chat_it_was_not_given_StandIn()
    {
        using var index = Adapter();
        var mine = Guid.NewGuid();
        _es.SearchAnswer = ElasticsearchStandIn.SearchResponse(
            ElasticsearchStandIn.Hit(IndexName, Source(Document(Guid.NewGuid(), "secret parcel")), null));

        var hits = await index.SearchChatsAsync(new GlobalSearchQuery([mine], ["parcel"], SearchFilters.None, SearchSort.Newest, 0, 20), Ct);

        Assert.Empty(hits);
        Assert.Equal("createdAt", _es.Last("POST", "/_search").Json["sort"]![0]!.AsObject().Single().Key);
    }

    [Fact]
    public async Task Remove_sends_bulk_deletes_routed_by_chat_and_waits_for_refresh_StandIn()
    {
        using var index = Adapter();
        var (chatA, chatB) = (Guid.NewGuid(), Guid.NewGuid());
        SearchDocumentKey[] removed = [new(chatA, Guid.NewGuid()), new(chatB, Guid.NewGuid())];

        await index.RemoveAsync(removed, Ct);

        var bulk = _es.Last("POST", "/_bulk");
        Assert.Equal($"/{IndexName}/_bulk", bulk.Path);
        Assert.Equal("wait_for", bulk.Query["refresh"]);
        Assert.Equal(
            removed.Select(r => (r.SignalId.ToString("D"), r.ChatId.ToString("D"))),
            bulk.Lines.Select(line => JsonNode.Parse(line)!["delete"]!).Select(d => (d["_id"]!.GetValue<string>(), d["routing"]!.GetValue<string>())));
        Assert.DoesNotContain(_es.Requests, r => r.Path.Contains("_delete_by_query", StringComparison.Ordinal));
        Assert.Empty(_es.Violations);
    }

    [Fact]
    public async Task A_bulk_delete_of_a_missing_document_is_not_an_error_StandIn()
    {
        using var index = Adapter();
        var missing = new SearchDocumentKey(Guid.NewGuid(), Guid.NewGuid());
        _es.NotFound.Add(missing.SignalId.ToString("D"));

        await index.RemoveAsync([missing], Ct);

        Assert.Empty(_es.Violations);
    }

    [Fact]
    public async Task A_search_answer_without_hits_is_unavailable_not_empty_StandIn()
    {
        using var index = Adapter();
        _es.SearchAnswer = new JsonObject { ["took"] = 1 };

        await Assert.ThrowsAsync<SearchUnavailableException>(() => index.SearchAsync(new SearchQuery(Guid.NewGuid(), ["x"], 0, 5), Ct));
    }

    [Fact]
    public async Task An_api_key_wins_over_basic_credentials_which_are_sent_otherwise_StandIn()
    {
        using (var keyed = new ElasticsearchIndex(new ElasticsearchOptions { Url = _es.Url, ApiKey = "a2V5OnNlY3JldA==", Username = "elastic", Password = "pw" }))
        {
            await keyed.EnsureReadyAsync(Ct);
        }

        using (var basic = new ElasticsearchIndex(new ElasticsearchOptions { Url = _es.Url, Username = "elastic", Password = "pw" }))
        {
            await basic.EnsureReadyAsync(Ct);
        }

        // Each start-up is two calls: the template, then the index.
        Assert.Equal(["ApiKey a2V5OnNlY3JldA==", "ApiKey a2V5OnNlY3JldA=="], _es.Requests[..2].Select(r => r.Authorization));
        var basicAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("elastic:pw"));
        Assert.Equal([basicAuth, basicAuth], _es.Requests[2..].Select(r => r.Authorization));
    }

    [Fact]
    public async Task An_elasticsearch_that_does_not_answer_in_time_is_unavailable_with_the_timeout_StandIn()
    {
        using var index = new ElasticsearchIndex(new ElasticsearchOptions { Url = _es.Url, Index = IndexName, RequestTimeout = TimeSpan.FromMilliseconds(300) });
        await index.EnsureReadyAsync(Ct);
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _es.Hold = held;

        var error = await Assert.ThrowsAsync<SearchUnavailableException>(() => index.SearchAsync(new SearchQuery(Guid.NewGuid(), ["x"], 0, 5), Ct));
        held.SetResult();

        Assert.Contains("did not answer within 00:00:00.3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_call_asks_for_the_version_9_rest_api_so_elasticsearch_9_is_required_StandIn()
    {
        using var index = Adapter();

        await index.UpsertAsync([Document(Guid.NewGuid(), "versioned")], Ct);
        await index.SearchAsync(new SearchQuery(Guid.NewGuid(), ["versioned"], 0, 5), Ct);

        Assert.Equal(4, _es.Requests.Count);
        // Elasticsearch 8 refuses compatible-with=9 (rest-api-compatibility.html): the 9.x client needs a 9.x
        // server. Only _bulk goes unversioned (application/x-ndjson, Accept application/json).
        var versioned = _es.Requests.Where(r => !r.Path.EndsWith("/_bulk", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, versioned.Count);
        Assert.All(versioned, r => Assert.Equal("application/vnd.elasticsearch+json;compatible-with=9", r.Accept));
        Assert.All(versioned.Where(r => r.Body.Length > 0), r => Assert.Equal("application/vnd.elasticsearch+json;compatible-with=9", r.ContentType));
        Assert.Empty(_es.Violations);
    }

    [Fact]
    public async Task An_unreachable_elasticsearch_is_unavailable_not_a_crash()
    {
        using var index = new ElasticsearchIndex(new ElasticsearchOptions { Url = new Uri($"http://127.0.0.1:{LoopbackPort.Free()}") });

        await Assert.ThrowsAsync<SearchUnavailableException>(() => index.SearchAsync(new SearchQuery(Guid.NewGuid(), ["x"], 0, 5), Ct));
    }

    private ElasticsearchIndex Adapter(int shards = 1) => new(new ElasticsearchOptions { Url = _es.Url, Index = IndexName, Shards = shards });

    private static SearchDocument Document(Guid chatId, string text)
    {
        var at = DateTimeOffset.UtcNow;
        return new SearchDocument(Guid.CreateVersion7(at), chatId, Guid.NewGuid(), text, at);
    }

    private static JsonObject Source(SearchDocument d) => new()
    {
        ["id"] = d.SignalId.ToString("D"),
        ["chatId"] = d.ChatId.ToString("D"),
        ["senderId"] = d.SenderId.ToString("D"),
        ["createdAt"] = d.CreatedAt.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        ["text"] = d.Text,
    };

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];

    /// <summary>The clauses of a <c>bool</c> occurrence, which the query DSL takes as one query object or an array of them.</summary>
    private static JsonNode[] Clauses(JsonNode? occurrence) => occurrence switch
    {
        JsonArray clauses => [.. clauses.Select(c => c!)],
        JsonObject clause => [clause],
        _ => [],
    };

    /// <summary>The value of a <c>term</c> query on <paramref name="field"/>, short (<c>{"f": v}</c>) or long (<c>{"f": {"value": v}}</c>).</summary>
    private static string Term(JsonNode clause, string field) => clause["term"]![field] switch
    {
        JsonObject { } full => Scalar(full["value"]),
        var value => Scalar(value),
    };

    /// <summary>A JSON string's text, or any other JSON value as written (numbers, <c>true</c>).</summary>
    private static string Scalar(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : value!.ToJsonString();
}
