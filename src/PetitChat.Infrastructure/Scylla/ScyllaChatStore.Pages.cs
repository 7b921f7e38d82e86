using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Chats;
using PetitChat.Core.Signals;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Reads for a whole page at once (a page of chats, a page of the timeline). Alternator has no
/// IN over partitions, so each chat's partition is one query, but they all go out together: a
/// page waits for one round of requests per kind of data, not one per chat. Keys that are known
/// go in BatchGetItem requests (members: by the seats on the chat rows).
/// </summary>
public sealed partial class ScyllaChatStore
{
    /// <summary>
    /// The chats' seats (<c>chats.members</c>) first, then the member rows of those seats by key:
    /// two rounds of batch reads, 100 keys per request. A seat is taken before its member row is
    /// written and given back after it is deleted, so every member row has its seat: reading the
    /// rows of the seats finds every member, and a seat without a row (a change in progress) finds
    /// nothing, as <see cref="GetMembersAsync"/> would.
    /// </summary>
    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<ChatMember>>> GetMembersOfChatsAsync(IReadOnlyCollection<Guid> chatIds, CancellationToken ct)
    {
        var byChat = new Dictionary<Guid, IReadOnlyList<ChatMember>>();
        foreach (var chatId in chatIds)
        {
            byChat[chatId] = [];
        }

        if (byChat.Count == 0)
        {
            return byChat;
        }

        var chats = await BatchGetAsync(_tables.Chats, byChat.Keys.Select(ChatKey), ct, "#id, #m", new() { ["#id"] = "id", ["#m"] = "members" });
        var keys = new List<Dictionary<string, AttributeValue>>();
        foreach (var chat in chats)
        {
            var chatId = GuidOf(chat, "id");
            if (chat.TryGetValue("members", out var seats) && seats.SS is { } users)
            {
                keys.AddRange(users.Select(user => MemberKey(chatId, Guid.Parse(user))));
            }
        }

        var rows = await BatchGetAsync(_tables.Members, keys, ct);
        foreach (var group in rows.Select(ReadMember).GroupBy(m => m.ChatId))
        {
            byChat[group.Key] = [.. group.OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)];
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
