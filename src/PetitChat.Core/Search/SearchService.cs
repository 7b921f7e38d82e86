using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Paging;

namespace PetitChat.Core.Search;

/// <summary>Search in one chat, for its members only.</summary>
public sealed class SearchService(IChatRoster roster, ISearchIndex index, ChatLimits limits)
{
    /// <summary>
    /// A page of matches, best first. The caller must be a member (a non-member learns nothing,
    /// not even that the chat exists); the index is asked about this chat only.
    /// </summary>
    public async Task<Result<Page<SearchHit>>> SearchAsync(Guid callerId, Guid chatId, string? q, string? cursor, int? limit, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(q))
        {
            return new Invalid("q", "q is required: the words to search for.");
        }

        if (q.Length > limits.MaxSearchQueryLength)
        {
            return new Invalid("q", $"q is at most {limits.MaxSearchQueryLength} characters.");
        }

        if (PageSize.Check(limit, limits) is { } invalidLimit)
        {
            return invalidLimit;
        }

        var offset = 0;
        if (cursor is not null)
        {
            try
            {
                offset = SearchCursor.Decode(cursor, chatId, q);
            }
            catch (InvalidCursorException e)
            {
                return new Invalid("cursor", e.Message);
            }
        }

        if (await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        var size = limit ?? limits.DefaultPageSize;
        var words = SearchWords.Split(q);
        var room = limits.MaxSearchHits - offset;
        if (words.Count == 0 || room <= 0)
        {
            return new Page<SearchHit>([], null);
        }

        var wanted = Math.Min(size, room);
        var hits = await index.SearchAsync(new SearchQuery(chatId, words, offset, wanted + 1), ct);
        var more = hits.Count > wanted && offset + wanted < limits.MaxSearchHits;
        var items = hits.Count > wanted ? [.. hits.Take(wanted)] : hits;
        return new Page<SearchHit>(items, more ? SearchCursor.Encode(chatId, q, offset + wanted) : null);
    }
}
