using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Search;

namespace PetitChat.Infrastructure.Elasticsearch;

/// <summary>
/// An <see cref="ISearchIndex"/> on Elasticsearch 8.x/9.x over its REST API, written by hand over
/// <see cref="HttpClient"/> as the Meilisearch adapter is (see docs/elasticsearch.md for why).
/// Documents are routed by chat id, so a search in one chat asks one shard. Writes use
/// <c>_bulk</c> with <c>refresh=wait_for</c>, so a job is completed only when its document is
/// searchable; a failed item fails the call and the indexer retries the batch (writes are idempotent).
/// </summary>
public sealed class ElasticsearchIndex : ISearchIndex, IDisposable
{
    private readonly ElasticsearchOptions _options;
    private readonly HttpClient _http;
    private readonly string _index;
    private readonly SemaphoreSlim _readyGate = new(1, 1);
    private volatile bool _ready;

    public ElasticsearchIndex(ElasticsearchOptions options)
    {
        _options = options;
        var url = options.Url ?? throw new ArgumentException("Search:Elasticsearch:Url is required.", nameof(options));
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = new Uri(url.ToString().TrimEnd('/') + "/"),
            Timeout = options.RequestTimeout,
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", options.ApiKey);
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            var pair = Encoding.UTF8.GetBytes(options.Username + ":" + options.Password);
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(pair));
        }

        _index = Uri.EscapeDataString(options.Index);
    }

    /// <summary>
    /// Puts the index template (analyzer and mappings for the index's name, replaced on each start so
    /// that a new version's template wins), then creates the index from it when missing; once per process.
    /// </summary>
    public async Task EnsureReadyAsync(CancellationToken ct)
    {
        if (_ready)
        {
            return;
        }

        await _readyGate.WaitAsync(ct);
        try
        {
            if (_ready)
            {
                return;
            }

            var template = ElasticsearchQuery.IndexTemplate(_options.Index, _options.Shards, _options.Replicas);
            using (await SendAsync(HttpMethod.Put, "_index_template/" + Uri.EscapeDataString(_options.Index + "-template"), Json(template), ct))
            {
            }

            // An empty body: the template gives the settings and mappings.
            using (await SendAsync(HttpMethod.Put, _index, Json(new JsonObject()), ct, acceptAlreadyExists: true))
            {
            }

            _ready = true;
        }
        finally
        {
            _readyGate.Release();
        }
    }

    public async Task UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(ct);
        var lines = new StringBuilder();
        foreach (var d in documents)
        {
            var id = d.SignalId.ToString("D");
            var chat = d.ChatId.ToString("D");
            var action = new JsonObject { ["index"] = new JsonObject { ["_id"] = id, ["routing"] = chat } };
            var source = new JsonObject
            {
                ["id"] = id,
                ["chatId"] = chat,
                ["senderId"] = d.SenderId.ToString("D"),
                ["createdAt"] = d.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                ["hasFile"] = d.HasFile,
                ["text"] = SearchHighlight.Strip(d.Text),
            };
            lines.Append(action.ToJsonString()).Append('\n').Append(source.ToJsonString()).Append('\n');
        }

        using var content = new StringContent(lines.ToString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
        using var response = await SendAsync(HttpMethod.Post, _index + "/_bulk?refresh=wait_for", content, ct);
        var answer = await ReadAsync(response, ct);
        ThrowOnItemError(answer);
    }

    /// <summary>
    /// Removes by id with <c>_delete_by_query</c>: the port gives signal ids only, and a bulk
    /// delete of a routed document needs its routing; a query on ids asks every shard instead.
    /// </summary>
    public async Task RemoveAsync(IReadOnlyCollection<Guid> signalIds, CancellationToken ct)
    {
        if (signalIds.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(ct);
        var body = new JsonObject
        {
            ["query"] = new JsonObject
            {
                ["ids"] = new JsonObject { ["values"] = new JsonArray([.. signalIds.Select(id => (JsonNode)JsonValue.Create(id.ToString("D")))]) },
            },
        };
        using var response = await SendAsync(HttpMethod.Post, _index + "/_delete_by_query?refresh=true&conflicts=proceed", Json(body), ct);
        var answer = await ReadAsync(response, ct);
        if (answer["failures"] is JsonArray { Count: > 0 } failures)
        {
            throw new SearchUnavailableException($"Elasticsearch could not delete every document: {failures[0]?.ToJsonString()}");
        }
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        var words = ElasticsearchQuery.Words(query.Words);
        if (words.Length == 0)
        {
            return [];
        }

        await EnsureReadyAsync(ct);
        var chat = query.ChatId;
        var body = ElasticsearchQuery.InChat(chat, words, query.Offset, query.Limit, _options.SnippetChars);
        var routing = Uri.EscapeDataString(chat.ToString("D"));
        return await RunSearchAsync(_index + "/_search?routing=" + routing, body, chatId => chatId == chat, ct);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchChatsAsync(GlobalSearchQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        var words = ElasticsearchQuery.Words(query.Words);
        if (query.ChatIds.Count == 0 || (words.Length == 0 && (query.Words.Count > 0 || query.Filters.IsEmpty)))
        {
            return [];
        }

        await EnsureReadyAsync(ct);
        var body = ElasticsearchQuery.Global(query, words, _options.SnippetChars);
        var chats = query.ChatIds.ToHashSet();
        return await RunSearchAsync(_index + "/_search", body, chats.Contains, ct);
    }

    public void Dispose()
    {
        _http.Dispose();
        _readyGate.Dispose();
    }

    /// <summary>Runs a search; a hit outside <paramref name="allowed"/> chats is dropped (a second lock behind the filter).</summary>
    private async Task<IReadOnlyList<SearchHit>> RunSearchAsync(string path, JsonObject body, Func<Guid, bool> allowed, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, path, Json(body), ct);
        var answer = await ReadAsync(response, ct);
        if (answer["hits"]?["hits"] is not JsonArray found)
        {
            throw new SearchUnavailableException("Elasticsearch answered a search without hits.hits.");
        }

        var hits = new List<SearchHit>(found.Count);
        foreach (var hit in found)
        {
            var source = hit?["_source"];
            if (!Guid.TryParse(Text(source?["id"]), out var signalId)
                || !Guid.TryParse(Text(source?["chatId"]), out var chatId)
                || !Guid.TryParse(Text(source?["senderId"]), out var senderId)
                || !DateTimeOffset.TryParse(Text(source?["createdAt"]), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var createdAt))
            {
                throw new SearchUnavailableException($"Elasticsearch returned a hit that is not a message document (_id '{Text(hit?["_id"])}').");
            }

            if (!allowed(chatId))
            {
                continue;
            }

            var snippet = hit?["highlight"]?["text"] is JsonArray { Count: > 0 } fragments
                ? Text(fragments[0])
                : Text(source?["text"]);
            hits.Add(new SearchHit(signalId, chatId, senderId, createdAt, snippet ?? ""));
        }

        return hits;
    }

    private static void ThrowOnItemError(JsonNode answer)
    {
        if (answer["errors"]?.GetValueKind() != JsonValueKind.True)
        {
            return;
        }

        foreach (var item in answer["items"] as JsonArray ?? [])
        {
            var result = (item as JsonObject)?.FirstOrDefault().Value;
            if (result?["error"] is { } error)
            {
                throw new SearchUnavailableException(
                    $"Elasticsearch refused document {Text(result["_id"])}: {Text(result["status"])} {Text(error["type"])}: {Text(error["reason"])}");
            }
        }

        throw new SearchUnavailableException("Elasticsearch reported errors in a bulk call without naming an item.");
    }

    private static string? Text(JsonNode? node) => node switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => node.ToJsonString(),
    };

    private static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>Sends a call; a network failure or an error answer becomes a <see cref="SearchUnavailableException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct, bool acceptAlreadyExists = false)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        var response = await SearchEngineHttp.SendAsync(_http, request, "Elasticsearch", ct);

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string? type = null;
            string? reason = null;
            try
            {
                var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["error"];
                type = Text(error?["type"]);
                reason = Text(error?["reason"]);
            }
            catch (JsonException)
            {
                // Not Elasticsearch's error shape (a proxy's page, say): the status says enough.
            }

            if (acceptAlreadyExists && type == "resource_already_exists_exception")
            {
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
            }

            var what = response.StatusCode == HttpStatusCode.TooManyRequests
                ? "is overloaded (429 Too Many Requests); the call will be retried"
                : $"refused {method} /{path.Split('?')[0]}: {(int)response.StatusCode} {type ?? response.ReasonPhrase}";
            throw new SearchUnavailableException($"Elasticsearch {what}: {reason}");
        }
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))
                ?? throw new SearchUnavailableException("Elasticsearch answered with an empty body.");
        }
        catch (JsonException e)
        {
            throw new SearchUnavailableException($"Elasticsearch answered with an unexpected body: {e.Message}", e);
        }
    }
}
