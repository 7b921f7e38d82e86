using System.Net;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using PetitChat.Core.Search;
using PetitChat.Infrastructure.Search;

namespace PetitChat.Infrastructure.Elasticsearch;

/// <summary>
/// An <see cref="ISearchIndex"/> on Elasticsearch 9.x through its official .NET client
/// (Elastic.Clients.Elasticsearch). Documents are routed by chat id, so a search in one chat and a
/// delete ask one shard. Writes use <c>_bulk</c> with <c>refresh=wait_for</c>, so a job is completed
/// only when its change is searchable; a failed item fails the call and the indexer retries the
/// batch (index and delete actions are idempotent).
/// </summary>
public sealed class ElasticsearchIndex : ISearchIndex, IDisposable
{
    private readonly ElasticsearchOptions _options;
    private readonly ElasticsearchClientSettings _settings;
    private readonly ElasticsearchClient _client;
    private readonly Uri _url;
    private readonly ReadyOnce _ready;

    public ElasticsearchIndex(ElasticsearchOptions options)
    {
        _options = options;
        _url = options.Url ?? throw new ArgumentException("Search:Elasticsearch:Url is required.", nameof(options));
        _settings = ClientSettings(options);
        _client = new ElasticsearchClient(_settings);
        _ready = new ReadyOnce(PrepareAsync);
    }

    /// <summary>
    /// The client's settings: one node, as configured (a load balancer or the cluster's own routing
    /// spreads the calls), so no sniffing and no pinging; no retry inside the client, since the
    /// indexer retries whole batches; the API key, or else the user, as credentials.
    /// </summary>
    internal static ElasticsearchClientSettings ClientSettings(ElasticsearchOptions options)
    {
        var url = options.Url ?? throw new ArgumentException("Search:Elasticsearch:Url is required.", nameof(options));
        var settings = new ElasticsearchClientSettings(new SingleNodePool(url))
            .RequestTimeout(options.RequestTimeout)
            .MaximumRetries(0);
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            settings.Authentication(new ApiKey(options.ApiKey));
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            settings.Authentication(new BasicAuthentication(options.Username, options.Password ?? ""));
        }

        return settings;
    }

    /// <summary>
    /// Puts the index template (analyzer and mappings for the index's name, replaced on each start so
    /// that a new version's template wins), then creates the index from it when missing; once per process.
    /// </summary>
    public Task EnsureReadyAsync(CancellationToken ct) => _ready.EnsureAsync(ct);

    private async Task PrepareAsync(CancellationToken ct)
    {
        var template = ElasticsearchQuery.IndexTemplate(_options.Index, _options.Shards, _options.Replicas);
        Check(await _client.Indices.PutIndexTemplateAsync(template, ct), ct);

        // No settings or mappings: the template gives them. An index that exists is used as it is.
        var created = await _client.Indices.CreateAsync(_options.Index, ct);
        if (created.ElasticsearchServerError?.Error?.Type != "resource_already_exists_exception")
        {
            Check(created, ct);
        }
    }

    public async Task UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(ct);
        var operations = new BulkOperationsCollection();
        foreach (var d in documents)
        {
            var message = new ElasticsearchMessage(d.SignalId.ToString("D"), d.ChatId.ToString("D"), d.SenderId.ToString("D"),
                d.CreatedAt.UtcDateTime, d.HasFile, SearchHighlight.Strip(d.Text));
            operations.Add(new BulkIndexOperation<ElasticsearchMessage>(message) { Id = message.Id, Routing = message.ChatId });
        }

        await BulkAsync(operations, ct);
    }

    /// <summary>Removes with bulk <c>delete</c> actions routed by chat: each asks the one shard that holds the document.</summary>
    public async Task RemoveAsync(IReadOnlyCollection<SearchDocumentKey> documents, CancellationToken ct)
    {
        if (documents.Count == 0)
        {
            return;
        }

        await EnsureReadyAsync(ct);
        var operations = new BulkOperationsCollection();
        foreach (var (chatId, signalId) in documents)
        {
            operations.Add(new BulkDeleteOperation(signalId.ToString("D")) { Routing = chatId.ToString("D") });
        }

        await BulkAsync(operations, ct);
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
        var request = ElasticsearchQuery.InChat(_options.Index, chat, words, query.Offset, query.Limit, _options.SnippetChars);
        return await RunSearchAsync(request, chatId => chatId == chat, ct);
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
        var request = ElasticsearchQuery.Global(_options.Index, query, words, _options.SnippetChars);
        var chats = query.ChatIds.ToHashSet();
        return await RunSearchAsync(request, chats.Contains, ct);
    }

    public void Dispose()
    {
        ((IDisposable)_settings).Dispose();
        _ready.Dispose();
    }

    /// <summary>
    /// Sends one bulk call that returns when its changes are searchable. An item error (a document
    /// refused) fails the whole call with that item's reason; a delete of a document that is not
    /// there answers <c>not_found</c> without an error, and is fine.
    /// </summary>
    private async Task BulkAsync(BulkOperationsCollection operations, CancellationToken ct)
    {
        var request = new BulkRequest(_options.Index) { Operations = operations, Refresh = Refresh.WaitFor };
        var response = await _client.BulkAsync(request, ct);
        if (response.Items?.FirstOrDefault(i => i.Error is not null) is { } refused)
        {
            throw new SearchUnavailableException(
                $"Elasticsearch refused document {refused.Id}: {refused.Status} {refused.Error!.Type}: {refused.Error.Reason}");
        }

        Check(response, ct);
        if (response.Errors)
        {
            throw new SearchUnavailableException("Elasticsearch reported errors in a bulk call without naming an item.");
        }
    }

    /// <summary>Runs a search; a hit outside <paramref name="allowed"/> chats is dropped (a second lock behind the filter).</summary>
    private async Task<IReadOnlyList<SearchHit>> RunSearchAsync(SearchRequest request, Func<Guid, bool> allowed, CancellationToken ct)
    {
        var response = await _client.SearchAsync<ElasticsearchMessage>(request, ct);
        Check(response, ct);
        if (response.HitsMetadata?.Hits is not { } found)
        {
            throw new SearchUnavailableException("Elasticsearch answered a search without hits.hits.");
        }

        var hits = new List<SearchHit>(found.Count);
        foreach (var hit in found)
        {
            var source = hit.Source;
            if (!Guid.TryParse(source?.Id, out var signalId)
                || !Guid.TryParse(source.ChatId, out var chatId)
                || !Guid.TryParse(source.SenderId, out var senderId))
            {
                throw new SearchUnavailableException($"Elasticsearch returned a hit that is not a message document (_id '{hit.Id}').");
            }

            if (!allowed(chatId))
            {
                continue;
            }

            var snippet = hit.Highlight?.TryGetValue("text", out var fragments) == true && fragments.Count > 0
                ? fragments.First()
                : source.Text;
            var createdAt = new DateTimeOffset(DateTime.SpecifyKind(source.CreatedAt, DateTimeKind.Utc));
            hits.Add(new SearchHit(signalId, chatId, senderId, createdAt, snippet ?? ""));
        }

        return hits;
    }

    /// <summary>
    /// Turns a failed call into a <see cref="SearchUnavailableException"/> that says what failed:
    /// no answer (down, unreachable, too slow), overload (429, retried), or Elasticsearch's own
    /// error type and reason with the status.
    /// </summary>
    private void Check(ElasticsearchResponse response, CancellationToken ct)
    {
        if (response.IsValidResponse)
        {
            return;
        }

        ct.ThrowIfCancellationRequested();
        var call = response.ApiCallDetails;
        var cause = call.OriginalException;
        if (call.HttpStatusCode is not { } status)
        {
            var what = Causes(cause).Any(e => e is TimeoutException or TaskCanceledException)
                ? $"did not answer within {_options.RequestTimeout}"
                : $"cannot be reached: {Causes(cause).LastOrDefault()?.Message}";
            throw Unavailable($"Elasticsearch at {_url} {what}.", cause);
        }

        var error = response.ElasticsearchServerError?.Error;
        var problem = status == (int)HttpStatusCode.TooManyRequests
            ? "is overloaded (429 Too Many Requests); the call will be retried"
            : $"refused {call.HttpMethod} {call.Uri?.AbsolutePath}: {status} {error?.Type ?? "without an error body"}";
        throw Unavailable($"Elasticsearch {problem}: {error?.Reason}", cause);
    }

    private static SearchUnavailableException Unavailable(string message, Exception? cause) =>
        cause is null ? new SearchUnavailableException(message) : new SearchUnavailableException(message, cause);

    private static IEnumerable<Exception> Causes(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }
}
