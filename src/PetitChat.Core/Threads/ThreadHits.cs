using PetitChat.Core.Search;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Threads;

/// <summary>
/// Marks the search hits that are thread replies with their root. The indexes hold text, not
/// threads; a page has at most the page size of hits, so reading their signals stays bounded.
/// </summary>
public static class ThreadHits
{
    public static async Task<IReadOnlyList<SearchHit>> FillAsync(ISignalStore timeline, IReadOnlyList<SearchHit> hits, CancellationToken ct)
    {
        var filled = new SearchHit[hits.Count];
        for (var i = 0; i < hits.Count; i++)
        {
            var hit = hits[i];
            filled[i] = await timeline.GetSignalAsync(hit.ChatId, hit.SignalId, ct) is { ThreadId: { } rootId } ? hit with { ThreadId = rootId } : hit;
        }

        return filled;
    }
}
