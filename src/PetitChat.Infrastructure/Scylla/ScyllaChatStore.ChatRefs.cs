using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Chats;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaChatStore
{
    /// <summary>
    /// The user's <c>inbox</c> partition newest first, then one projected batch read of my member
    /// rows (an entry left over from a crash or a leave does not count) and one of the chats' kind
    /// and name: no last signals, no sequence numbers, no stale-entry cleanup (<see cref="ListChatsAsync"/> does that).
    /// </summary>
    public async Task<IReadOnlyList<ChatRef>> ListChatRefsAsync(Guid userId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var order = new List<Guid>();
        var seen = new HashSet<Guid>();
        var found = new Dictionary<Guid, ChatRef>();
        var upper = "~";
        while (found.Count < limit)
        {
            // A few more than missing: stale entries and older entries of the same chat are skipped.
            var want = Math.Min(1000, (limit - found.Count) * 2 + 8);
            var entries = await QueryAsync(new QueryRequest
            {
                TableName = _tables.Inbox,
                KeyConditionExpression = "#u = :u AND #k < :upper",
                ProjectionExpression = "#k, chat",
                ExpressionAttributeNames = new() { ["#u"] = "user", ["#k"] = "key" },
                ExpressionAttributeValues = new() { [":u"] = S(userId), [":upper"] = S(upper) },
                ScanIndexForward = false,
                Limit = want,
            }, want, ct);
            if (entries.Count == 0)
            {
                break;
            }

            var fresh = new List<Guid>();
            foreach (var entry in entries)
            {
                var chatId = GuidOf(entry, "chat");
                if (seen.Add(chatId))
                {
                    fresh.Add(chatId);
                    order.Add(chatId);
                }
            }

            var membersTask = BatchGetAsync(_tables.Members, fresh.Select(id => MemberKey(id, userId)), ct, "chat");
            var chatsTask = BatchGetAsync(_tables.Chats, fresh.Select(ChatKey), ct, "id, kind, #n", new() { ["#n"] = "name" });
            var members = (await membersTask).Select(item => GuidOf(item, "chat")).ToHashSet();
            foreach (var item in await chatsTask)
            {
                var chatId = GuidOf(item, "id");
                if (members.Contains(chatId))
                {
                    found[chatId] = new ChatRef(chatId, StoredNames.ChatKindOf(RequiredString(item, "kind")), StringOf(item, "name"));
                }
            }

            if (entries.Count < want)
            {
                break;
            }

            upper = RequiredString(entries[^1], "key");
        }

        var refs = new List<ChatRef>(Math.Min(limit, found.Count));
        foreach (var chatId in order)
        {
            if (refs.Count == limit)
            {
                break;
            }

            if (found.TryGetValue(chatId, out var chat))
            {
                refs.Add(chat);
            }
        }

        return refs;
    }
}
