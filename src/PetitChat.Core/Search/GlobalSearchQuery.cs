namespace PetitChat.Core.Search;

/// <summary>
/// A search over several chats: the caller's chats at the time of the search, never more (see
/// <see cref="ISearchIndex.SearchChatsAsync"/>). <see cref="Words"/> may be empty when
/// <see cref="Filters"/> say what to find; then hits come newest first whatever <see cref="Sort"/> says.
/// </summary>
public sealed record GlobalSearchQuery(
    IReadOnlyList<Guid> ChatIds, IReadOnlyList<string> Words, SearchFilters Filters, SearchSort Sort, int Offset, int Limit);
