using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Search;

namespace PetitChat.Infrastructure.Meilisearch;

/// <summary>
/// The production <see cref="ISearchIndex"/>: one Meilisearch index of messages over its HTTP
/// API. Writes return only after their task succeeded (polled with <c>GET /tasks/{uid}</c>), so
/// a job is completed only when the document is searchable. The index and its settings are
/// applied once per process before the first call (both are idempotent: an existing index
/// answers <c>index_already_exists</c>, settings are a PATCH of the same values).
/// </summary>
public sealed class MeilisearchIndex : ISearchIndex, IDisposable
{
    private static readonly string[] Retrieved = ["id", "chatId", "senderId", "createdAt", "text"];
    private static readonly string[] Text = ["text"];

    private readonly MeilisearchOptions _options;
    private readonly HttpClient _http;
    private readonly string _indexPath;
    private readonly ReadyOnce _ready;

    public MeilisearchIndex(MeilisearchOptions options)
    {
        _options = options;
        var url = options.Url ?? throw new ArgumentException("Search:Meilisearch:Url is required.", nameof(options));
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) })
        {
            BaseAddress = new Uri(url.ToString().TrimEnd('/') + "/"),
            Timeout = options.RequestTimeout,
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        _indexPath = "indexes/" + Uri.EscapeDataString(options.Index);
        _ready = new ReadyOnce(PrepareAsync);
    }

    /// <summary>Creates the index when missing and applies its settings; once per process.</summary>
    public Task EnsureReadyAsync(CancellationToken ct) => _ready.EnsureAsync(ct);

    private async Task PrepareAsync(CancellationToken ct)
    {
        var created = await SendForTaskAsync(HttpMethod.Post, "indexes",
            JsonContent.Create(new MeiliCreateIndex(_options.Index, "id"), MeilisearchJsonContext.Default.MeiliCreateIndex), ct);
        var creation = await WaitForTaskAsync(created, ct);
        if (creation.Status != "succeeded" && creation.Error?.Code != "index_already_exists")
        {
            throw Failed(creation);
        }

        var settings = new MeiliSettings(
            SearchableAttributes: ["text"],
            FilterableAttributes: ["chatId", "senderId", "createdAtMs", "hasFile"],
            DisplayedAttributes: ["id", "chatId", "senderId", "createdAt", "text"])
        {
            SortableAttributes = ["createdAtMs"],
        };
        var updated = await SendForTaskAsync(HttpMethod.Patch, _indexPath + "/settings",
            JsonContent.Create(settings, MeilisearchJsonContext.Default.MeiliSettings), ct);
        var update = await WaitForTaskAsync(updated, ct);
        if (update.Status != "succeeded")
        {
            throw Failed(update);
        }
    }

    public async Task UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(ct);
        var body = documents.Select(d => new MeiliDocument(
            d.SignalId.ToString("D"), d.ChatId.ToString("D"), d.SenderId.ToString("D"),
            SearchHighlight.Strip(d.Text), d.CreatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            d.CreatedAt.ToUnixTimeMilliseconds(), d.HasFile)).ToArray();
        var task = await SendForTaskAsync(HttpMethod.Post, _indexPath + "/documents?primaryKey=id",
            JsonContent.Create(body, MeilisearchJsonContext.Default.MeiliDocumentArray), ct);
        await RequireSuccessAsync(task, ct);
    }

    public async Task RemoveAsync(IReadOnlyCollection<SearchDocumentKey> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(ct);
        var ids = documents.Select(d => d.SignalId.ToString("D")).ToArray();
        var task = await SendForTaskAsync(HttpMethod.Post, _indexPath + "/documents/delete-batch",
            JsonContent.Create(ids, MeilisearchJsonContext.Default.StringArray), ct);
        await RequireSuccessAsync(task, ct);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        var q = MeilisearchFilter.Query(query.Words);
        if (q.Length == 0)
        {
            return [];
        }

        await EnsureReadyAsync(ct);
        var request = new MeiliSearchRequest(
            Q: q,
            Filter: MeilisearchFilter.Equal("chatId", query.ChatId.ToString("D")),
            Offset: query.Offset,
            Limit: query.Limit,
            AttributesToRetrieve: Retrieved,
            AttributesToHighlight: Text,
            AttributesToCrop: Text,
            CropLength: _options.SnippetWords,
            CropMarker: "…",
            HighlightPreTag: SearchHighlight.Start,
            HighlightPostTag: SearchHighlight.End,
            // Every word must match, as in FTS5: the default "last" would drop words from the end.
            MatchingStrategy: "all");
        var chat = query.ChatId;
        return await RunSearchAsync(request, chatId => chatId == chat, ct);
    }

    public async Task<IReadOnlyList<SearchHit>> SearchChatsAsync(GlobalSearchQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset);
        var q = MeilisearchFilter.Query(query.Words);
        if (query.ChatIds.Count == 0 || (q.Length == 0 && (query.Words.Count > 0 || query.Filters.IsEmpty)))
        {
            return [];
        }

        await EnsureReadyAsync(ct);
        var request = new MeiliSearchRequest(
            Q: q,
            Filter: MeilisearchFilter.Global(query.ChatIds, query.Filters),
            Offset: query.Offset,
            Limit: query.Limit,
            AttributesToRetrieve: Retrieved,
            AttributesToHighlight: Text,
            AttributesToCrop: Text,
            CropLength: _options.SnippetWords,
            CropMarker: "…",
            HighlightPreTag: SearchHighlight.Start,
            HighlightPostTag: SearchHighlight.End,
            MatchingStrategy: "all",
            // Without words Meilisearch ranks nothing: newest first then too.
            Sort: query.Sort == SearchSort.Newest || q.Length == 0 ? ["createdAtMs:desc"] : null);
        var chats = query.ChatIds.ToHashSet();
        return await RunSearchAsync(request, chats.Contains, ct);
    }

    /// <summary>Runs a search; a hit outside <paramref name="allowed"/> chats is dropped (a second lock behind the filter).</summary>
    private async Task<IReadOnlyList<SearchHit>> RunSearchAsync(MeiliSearchRequest request, Func<Guid, bool> allowed, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Post, _indexPath + "/search",
            JsonContent.Create(request, MeilisearchJsonContext.Default.MeiliSearchRequest), ct);
        var body = await ReadAsync(response, MeilisearchJsonContext.Default.MeiliSearchResponse, ct);
        var hits = new List<SearchHit>(body.Hits?.Count ?? 0);
        foreach (var hit in body.Hits ?? [])
        {
            if (!Guid.TryParse(hit.Id, out var signalId)
                || !Guid.TryParse(hit.ChatId, out var chatId)
                || !Guid.TryParse(hit.SenderId, out var senderId)
                || !DateTimeOffset.TryParse(hit.CreatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var createdAt))
            {
                throw new SearchUnavailableException($"Meilisearch returned a hit that is not a message document (id '{hit.Id}').");
            }

            // The filter already keeps other chats out; this is a second lock on the same door.
            if (!allowed(chatId))
            {
                continue;
            }

            hits.Add(new SearchHit(signalId, chatId, senderId, createdAt, hit.Formatted?.Text ?? hit.Text ?? ""));
        }

        return hits;
    }

    public void Dispose()
    {
        _http.Dispose();
        _ready.Dispose();
    }

    private async Task RequireSuccessAsync(MeiliEnqueuedTask enqueued, CancellationToken ct)
    {
        var task = await WaitForTaskAsync(enqueued, ct);
        if (task.Status != "succeeded")
        {
            throw Failed(task);
        }
    }

    /// <summary>Polls the task until it succeeded, failed or was canceled, with a growing pause.</summary>
    private async Task<MeiliTask> WaitForTaskAsync(MeiliEnqueuedTask enqueued, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + _options.TaskTimeout;
        var pause = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            using var response = await SendAsync(HttpMethod.Get, "tasks/" + enqueued.TaskUid.ToString(CultureInfo.InvariantCulture), null, ct);
            var task = await ReadAsync(response, MeilisearchJsonContext.Default.MeiliTask, ct);
            if (task.Status is "succeeded" or "failed" or "canceled")
            {
                return task;
            }

            if (task.Status is not ("enqueued" or "processing"))
            {
                throw new SearchUnavailableException($"Meilisearch task {task.Uid} has an unknown status '{task.Status}'.");
            }

            if (DateTimeOffset.UtcNow + pause > deadline)
            {
                throw new SearchUnavailableException(
                    $"Meilisearch task {task.Uid} ({task.Type}) did not finish within {_options.TaskTimeout}; it will be retried.");
            }

            await Task.Delay(pause, ct);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, _options.TaskPollInterval.Ticks));
        }
    }

    private async Task<MeiliEnqueuedTask> SendForTaskAsync(HttpMethod method, string path, HttpContent content, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, content, ct);
        return await ReadAsync(response, MeilisearchJsonContext.Default.MeiliEnqueuedTask, ct);
    }

    /// <summary>Sends a call; a network failure or an error answer becomes a <see cref="SearchUnavailableException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new SearchUnavailableException($"Meilisearch at {_http.BaseAddress} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new SearchUnavailableException($"Meilisearch at {_http.BaseAddress} did not answer within {_http.Timeout}.", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            MeiliError? error = null;
            try
            {
                error = await response.Content.ReadFromJsonAsync(MeilisearchJsonContext.Default.MeiliError, ct);
            }
            catch (JsonException)
            {
                // Not Meilisearch's error shape (a proxy's page, say): the status says enough.
            }

            throw new SearchUnavailableException(
                $"Meilisearch refused {method} /{path.Split('?')[0]}: {(int)response.StatusCode} {error?.Code ?? response.ReasonPhrase}: {error?.Message}");
        }
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, ct)
                ?? throw new SearchUnavailableException("Meilisearch answered with an empty body.");
        }
        catch (JsonException e)
        {
            throw new SearchUnavailableException($"Meilisearch answered with an unexpected body: {e.Message}", e);
        }
    }

    private static SearchUnavailableException Failed(MeiliTask task) =>
        new($"Meilisearch task {task.Uid} ({task.Type}) {task.Status}: {task.Error?.Code}: {task.Error?.Message}");
}
