namespace PetitChat.Core.Search;

/// <summary>
/// The search index port: SQLite FTS5 on a laptop, Meilisearch in production. Every adapter
/// passes the same contract suite (tests/PetitChat.Contracts.Tests/Search). The index is a
/// copy of the store that may lag behind it: <see cref="SearchIndexer"/> keeps it up to date
/// from the store's search jobs, so an adapter never needs to be called on the send path.
/// </summary>
public interface ISearchIndex
{
    /// <summary>
    /// Adds the documents, or replaces those with the same <see cref="SearchDocument.SignalId"/>.
    /// When it returns, they are searchable. Idempotent: the same call again changes nothing.
    /// Throws <see cref="SearchUnavailableException"/> when the engine cannot take them; nothing
    /// is then known to be written, and the caller retries.
    /// </summary>
    Task UpsertAsync(IReadOnlyList<SearchDocument> documents, CancellationToken ct);

    /// <summary>
    /// Removes the documents of these signals (each named with its chat, as it was indexed);
    /// documents that are not in the index are ignored. When it returns, they are no longer found.
    /// Throws <see cref="SearchUnavailableException"/> like <see cref="UpsertAsync"/>.
    /// </summary>
    Task RemoveAsync(IReadOnlyCollection<SearchDocumentKey> documents, CancellationToken ct);

    /// <summary>
    /// Documents of <see cref="SearchQuery.ChatId"/> only that contain every word of the query,
    /// the last word also as a prefix, ignoring case and accents; best match first (ties in an
    /// adapter's own order). Query words are text: no engine syntax in them has any effect. Skips
    /// <see cref="SearchQuery.Offset"/> hits and returns at most <see cref="SearchQuery.Limit"/>.
    /// </summary>
    /// <remarks>
    /// Offset rather than an opaque continuation, unlike the store's ports: relevance-ranked
    /// engines page by offset (Meilisearch's own API does), and <see cref="SearchService"/> wraps
    /// the offset in an opaque cursor so clients never see it.
    /// </remarks>
    Task<IReadOnlyList<SearchHit>> SearchAsync(SearchQuery query, CancellationToken ct);

    /// <summary>
    /// Documents of <see cref="GlobalSearchQuery.ChatIds"/> only (an empty list finds nothing)
    /// that contain every word, as <see cref="SearchAsync(SearchQuery, CancellationToken)"/>
    /// matches them, and pass every filter; best match first (ties newest first) or newest first
    /// as <see cref="GlobalSearchQuery.Sort"/> says, newest first when there are no words. Each hit
    /// names its chat. Membership is the caller's business: the index filters by the chats it is
    /// given, at query time, so a chat left is no longer searched without touching the index.
    /// </summary>
    Task<IReadOnlyList<SearchHit>> SearchChatsAsync(GlobalSearchQuery query, CancellationToken ct);
}
