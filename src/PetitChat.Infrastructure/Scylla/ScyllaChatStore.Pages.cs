using PetitChat.Core.Chats;
using PetitChat.Core.Signals;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Reads for a whole page at once (a page of chats, a page of the timeline). Alternator has no
/// IN over partitions, so each chat's partition is one query, but they all go out together: a
/// page waits for one round of requests per kind of data, not one per chat. Keys that are known
/// go in BatchGetItem requests.
/// </summary>
public sealed partial class ScyllaChatStore
{
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<ChatMember>>> GetMembersOfChatsAsync(IReadOnlyCollection<Guid> chatIds, CancellationToken ct)
    {
        var distinct = chatIds.Distinct().ToList();
        var lists = await Task.WhenAll(distinct.Select(chatId => GetMembersAsync(chatId, ct)));
        var byChat = new Dictionary<Guid, IReadOnlyList<ChatMember>>(distinct.Count);
        for (var i = 0; i < distinct.Count; i++)
        {
            byChat[distinct[i]] = lists[i];
        }

        return byChat;
    }

    public async Task<IReadOnlyList<Signal>> GetSignalsByIdAsync(Guid chatId, IReadOnlyCollection<Guid> signalIds, CancellationToken ct)
    {
        if (signalIds.Count == 0)
        {
            return [];
        }

        var items = await BatchGetAsync(_tables.Signals, signalIds.Distinct().Select(id => SignalKey(chatId, id)), ct);
        return [.. items.Select(ReadSignal)];
    }

    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<Signal>>> GetSignalsAfterAsync(
        IReadOnlyDictionary<Guid, Guid?> afterByChat, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var chats = afterByChat.ToList();
        var slices = await Task.WhenAll(chats.Select(c => GetSignalsAsync(c.Key, new TimelineQuery(null, c.Value, limit), ct)));
        var byChat = new Dictionary<Guid, IReadOnlyList<Signal>>(chats.Count);
        for (var i = 0; i < chats.Count; i++)
        {
            byChat[chats[i].Key] = slices[i];
        }

        return byChat;
    }
}
