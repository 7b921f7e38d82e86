using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Chats;
using PetitChat.Core.Paging;
using PetitChat.Core.Receipts;
using PetitChat.Core.Signals;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaChatStore
{
    public async Task<(Chat Chat, bool Created)> CreateChatAsync(Chat chat, IReadOnlyList<Guid> memberIds, CancellationToken ct)
    {
        var members = memberIds.Distinct().ToList();
        if (chat.Kind == ChatKind.Direct && members.Count != 2)
        {
            throw new ArgumentException("A direct chat has exactly two distinct members.", nameof(memberIds));
        }

        if (chat.Kind == ChatKind.Direct)
        {
            // The pair's claim decides which chat is the one, under any race. It carries what is
            // needed to finish the chat, so a caller that finds an unfinished one completes it.
            var pair = string.Join(":", members.Select(m => m.ToString("D")).Order(StringComparer.Ordinal));
            var claimed = await TryPutAsync(new PutItemRequest
            {
                TableName = _tables.DirectChats,
                Item = new() { ["pair"] = S(pair), ["chat"] = S(chat.Id), ["createdBy"] = S(chat.CreatedBy), ["createdAt"] = N(chat.CreatedAt) },
                ConditionExpression = "attribute_not_exists(pair)",
            }, idempotent: true, ct);
            if (!claimed)
            {
                var claim = await GetItemAsync(_tables.DirectChats, new() { ["pair"] = S(pair) }, ct)
                    ?? throw new InvalidOperationException("A direct chat's claim vanished.");
                var existingId = GuidOf(claim, "chat");
                if (existingId != chat.Id)
                {
                    var existing = await GetChatAsync(existingId, ct);
                    if (existing is null || (await GetMembersAsync(existingId, ct)).Count < members.Count)
                    {
                        var createdAt = TimeOf(claim, "createdAt");
                        await WriteChatAsync(
                            existing ?? new Chat(existingId, ChatKind.Direct, null, GuidOf(claim, "createdBy"), createdAt, createdAt, null),
                            members, ct);
                        existing = await GetChatAsync(existingId, ct);
                    }

                    return (existing!, false);
                }
            }
        }

        await WriteChatAsync(chat, members, ct);
        return (chat, true);
    }

    public async Task<Chat?> GetChatAsync(Guid chatId, CancellationToken ct) =>
        await GetItemAsync(_tables.Chats, ChatKey(chatId), ct) is { } item ? ReadChat(item) : null;

    public async Task<IReadOnlyList<ChatMember>> GetMembersAsync(Guid chatId, CancellationToken ct)
    {
        var items = await QueryAsync(new QueryRequest
        {
            TableName = _tables.Members,
            KeyConditionExpression = "chat = :c",
            ExpressionAttributeValues = new() { [":c"] = S(chatId) },
        }, int.MaxValue, ct);
        return [.. items.Select(ReadMember).OrderBy(m => m.JoinedAt).ThenBy(m => m.UserId)];
    }

    public async Task<ChatMember?> GetMemberAsync(Guid chatId, Guid userId, CancellationToken ct) =>
        await GetItemAsync(_tables.Members, MemberKey(chatId, userId), ct) is { } item ? ReadMember(item) : null;

    public async Task<AddMemberResult> AddMemberAsync(Guid chatId, Guid userId, Signal joined, int maxMembers, CancellationToken ct)
    {
        RequireSameChat(chatId, joined);
        if (await GetMemberAsync(chatId, userId, ct) is not null)
        {
            return AddMemberResult.AlreadyMember;
        }

        // 1. A seat in the chat row's member set: one conditional ADD keeps parallel adds within
        //    the limit. Adding an id twice is a no-op, so a retry after a crash finds its seat taken
        //    by itself and goes on.
        var seated = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Chats,
            Key = ChatKey(chatId),
            UpdateExpression = "ADD #m :set",
            ConditionExpression = "attribute_exists(id) AND (attribute_not_exists(#m) OR (NOT contains(#m, :u) AND size(#m) < :max))",
            ExpressionAttributeNames = new() { ["#m"] = "members" },
            ExpressionAttributeValues = new()
            {
                [":set"] = new AttributeValue { SS = [userId.ToString("D")] },
                [":u"] = S(userId),
                [":max"] = N(maxMembers),
            },
        }, idempotent: true, ct);
        if (seated is null)
        {
            var chat = await GetItemAsync(_tables.Chats, ChatKey(chatId), ct) ?? throw new KeyNotFoundException($"Chat {chatId} does not exist.");
            if (!(chat.TryGetValue("members", out var seats) && seats.SS?.Contains(userId.ToString("D")) == true))
            {
                return AddMemberResult.ChatFull;
            }
        }

        // 2. The member row, its pointers at the joined signal; 3. the signal itself.
        var seq = await NextSeqAsync(chatId, ct);
        var added = await TryPutAsync(new PutItemRequest
        {
            TableName = _tables.Members,
            Item = new()
            {
                ["chat"] = S(chatId),
                ["user"] = S(userId),
                ["joinedAt"] = N(joined.CreatedAt),
                ["d"] = S(joined.Id),
                ["dAt"] = N(joined.CreatedAt),
                ["r"] = S(joined.Id),
                ["rAt"] = N(joined.CreatedAt),
                ["rSeq"] = N(seq),
            },
            ConditionExpression = "attribute_not_exists(#u)",
            ExpressionAttributeNames = new() { ["#u"] = "user" },
        }, idempotent: true, ct);
        if (!added)
        {
            return AddMemberResult.AlreadyMember;
        }

        await CompleteAppendAsync(joined, seq, ct);
        return AddMemberResult.Added;
    }

    public async Task<bool> RemoveMemberAsync(Guid chatId, Guid userId, Signal left, CancellationToken ct)
    {
        RequireSameChat(chatId, left);
        // 1. The member row: from here on every read treats the user as gone.
        var removed = await TryDeleteAsync(new DeleteItemRequest
        {
            TableName = _tables.Members,
            Key = MemberKey(chatId, userId),
            ConditionExpression = "attribute_exists(#u)",
            ExpressionAttributeNames = new() { ["#u"] = "user" },
        }, idempotent: false, ct);
        if (removed is not null)
        {
            // 2. The left signal (not fanned out to the one who left), 3. their inbox entry.
            var chat = await GetChatAsync(chatId, ct);
            await CompleteAppendAsync(left, null, ct);
            if (chat is not null)
            {
                await BatchWriteAsync(_tables.Inbox, [DeleteRequest(InboxKey(userId, chat.LastActivityAt, chatId))], ct);
            }
        }

        // 4. The seat; also what a retry after a crash between 1 and 4 repairs.
        await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Chats,
            Key = ChatKey(chatId),
            UpdateExpression = "DELETE #m :set",
            ConditionExpression = "attribute_exists(id)",
            ExpressionAttributeNames = new() { ["#m"] = "members" },
            ExpressionAttributeValues = new() { [":set"] = new AttributeValue { SS = [userId.ToString("D")] } },
        }, idempotent: true, ct);
        return removed is not null;
    }

    public async Task<Page<ChatSummary>> ListChatsAsync(Guid userId, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // Inbox keys are "ticks#chat" with fixed-width ticks; '~' sorts after every digit.
        var upper = cursor is null ? "~" : DecodeInboxCursor(cursor);
        var found = new List<(string Key, ChatSummary Summary)>();
        while (found.Count <= limit)
        {
            var entries = await QueryAsync(new QueryRequest
            {
                TableName = _tables.Inbox,
                KeyConditionExpression = "#u = :u AND #k < :upper",
                ExpressionAttributeNames = new() { ["#u"] = "user", ["#k"] = "key" },
                ExpressionAttributeValues = new() { [":u"] = S(userId), [":upper"] = S(upper) },
                ScanIndexForward = false,
                Limit = limit + 1 - found.Count,
            }, limit + 1 - found.Count, ct);
            if (entries.Count == 0)
            {
                break;
            }

            var chatIds = entries.Select(e => GuidOf(e, "chat")).Distinct().ToList();
            var summaries = await SummariesAsync(userId, chatIds, ct);
            var stale = new List<WriteRequest>();
            foreach (var entry in entries)
            {
                var key = RequiredString(entry, "key");
                var chatId = GuidOf(entry, "chat");
                // An entry counts only at the chat's current activity and while I am a member;
                // others are left over from a move or a crash (docs/scylla.md), and are cleaned here.
                if (summaries.TryGetValue(chatId, out var summary) && key == InboxKeyText(summary.Chat.LastActivityAt, chatId))
                {
                    if (found.Count <= limit)
                    {
                        found.Add((key, summary));
                    }
                }
                else if (summary is null || string.CompareOrdinal(key, InboxKeyText(summary.Chat.LastActivityAt, chatId)) < 0)
                {
                    stale.Add(DeleteRequest(new() { ["user"] = S(userId), ["key"] = S(key) }));
                }
            }

            if (stale.Count > 0)
            {
                await BatchWriteAsync(_tables.Inbox, stale, ct);
            }

            upper = RequiredString(entries[^1], "key");
        }

        return found.Count > limit
            ? new Page<ChatSummary>([.. found.Take(limit).Select(f => f.Summary)], Base64Url.EncodeToString(Encoding.UTF8.GetBytes(found[limit - 1].Key)))
            : new Page<ChatSummary>([.. found.Select(f => f.Summary)], null);
    }

    public async Task<ChatSummary?> GetChatSummaryAsync(Guid chatId, Guid userId, CancellationToken ct) =>
        (await SummariesAsync(userId, [chatId], ct)).GetValueOrDefault(chatId);

    /// <summary>The chats among <paramref name="chatIds"/> that exist and have <paramref name="userId"/> as a member.</summary>
    private async Task<Dictionary<Guid, ChatSummary>> SummariesAsync(Guid userId, IReadOnlyList<Guid> chatIds, CancellationToken ct)
    {
        var chatsTask = BatchGetAsync(_tables.Chats, chatIds.Select(ChatKey), ct);
        var membersTask = BatchGetAsync(_tables.Members, chatIds.Select(id => MemberKey(id, userId)), ct);
        var chats = (await chatsTask).Select(item => (Chat: ReadChat(item), Seq: LongOf(item, "seq") ?? 0)).ToDictionary(c => c.Chat.Id);
        var members = (await membersTask).Select(ReadMemberWithSeq).ToDictionary(m => m.Member.ChatId);
        var lastIds = chats.Values.Where(c => members.ContainsKey(c.Chat.Id) && c.Chat.LastSignalId is not null)
            .Select(c => SignalKey(c.Chat.Id, c.Chat.LastSignalId!.Value));
        var lastSignals = (await BatchGetAsync(_tables.Signals, lastIds, ct)).Select(ReadSignal).ToDictionary(s => s.ChatId);

        var summaries = new Dictionary<Guid, ChatSummary>();
        foreach (var (chatId, (chat, seq)) in chats)
        {
            if (members.TryGetValue(chatId, out var member))
            {
                // Every signal takes the chat's next sequence number, and the read pointer keeps
                // the number of the signal it names: unread is their difference, with no counting.
                var unread = (int)Math.Clamp(seq - member.ReadSeq, 0, int.MaxValue);
                summaries[chatId] = new ChatSummary(chat, unread, lastSignals.GetValueOrDefault(chatId));
            }
        }

        return summaries;
    }

    /// <summary>The chat row, the member rows, then the inbox entries; each write repeatable.</summary>
    private async Task WriteChatAsync(Chat chat, IReadOnlyList<Guid> members, CancellationToken ct)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = S(chat.Id),
            ["kind"] = S(StoredNames.Of(chat.Kind)),
            ["createdBy"] = S(chat.CreatedBy),
            ["createdAt"] = N(chat.CreatedAt),
            ["lastActivityAt"] = N(chat.LastActivityAt),
            ["seq"] = N(0),
            ["members"] = new AttributeValue { SS = [.. members.Select(m => m.ToString("D"))] },
        };
        if (chat.Name is not null)
        {
            item["name"] = S(chat.Name);
        }

        if (chat.LastSignalId is { } lastSignalId)
        {
            item["lastSignalId"] = S(lastSignalId);
        }

        if (chat.Encrypted)
        {
            item["encrypted"] = new AttributeValue { BOOL = true };
        }

        await TryPutAsync(new PutItemRequest { TableName = _tables.Chats, Item = item, ConditionExpression = "attribute_not_exists(id)" }, idempotent: true, ct);
        await Task.WhenAll(members.Select(member => TryPutAsync(new PutItemRequest
        {
            TableName = _tables.Members,
            Item = new() { ["chat"] = S(chat.Id), ["user"] = S(member), ["joinedAt"] = N(chat.CreatedAt) },
            ConditionExpression = "attribute_not_exists(#u)",
            ExpressionAttributeNames = new() { ["#u"] = "user" },
        }, idempotent: true, ct)));
        await BatchWriteAsync(_tables.Inbox, members.Select(m => PutRequest(InboxItem(m, chat.LastActivityAt, chat.Id))), ct);
    }

    /// <summary>The chat's next sequence number: an atomic ADD, the one counter a signal needs.</summary>
    private async Task<long> NextSeqAsync(Guid chatId, CancellationToken ct)
    {
        var response = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Chats,
            Key = ChatKey(chatId),
            UpdateExpression = "ADD seq :one",
            ConditionExpression = "attribute_exists(id)",
            ExpressionAttributeValues = new() { [":one"] = N(1) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.UPDATED_NEW,
        }, idempotent: false, ct);
        return response is null
            ? throw new KeyNotFoundException($"Chat {chatId} does not exist.")
            : LongOf(response.Attributes, "seq") ?? 0;
    }

    private static void RequireSameChat(Guid chatId, Signal signal)
    {
        if (signal.ChatId != chatId)
        {
            throw new ArgumentException($"The signal belongs to chat {signal.ChatId}, not {chatId}.", nameof(signal));
        }
    }

    private static string DecodeInboxCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.Length == 56 && text[19] == '#' && long.TryParse(text.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out _)
                && Guid.TryParseExact(text.AsSpan(20), "D", out _))
            {
                return text;
            }
        }
        catch (FormatException)
        {
            // Reported below like any other malformed cursor.
        }

        throw new InvalidCursorException("The cursor is not one this store issued.");
    }

    private static Dictionary<string, AttributeValue> ChatKey(Guid chatId) => new() { ["id"] = S(chatId) };

    private static Dictionary<string, AttributeValue> MemberKey(Guid chatId, Guid userId) => new() { ["chat"] = S(chatId), ["user"] = S(userId) };

    /// <summary>Fixed-width ticks then the chat id: a descending query lists my chats by activity, ties by id.</summary>
    private static string InboxKeyText(DateTimeOffset activity, Guid chatId) =>
        activity.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "#" + chatId.ToString("D");

    private static Dictionary<string, AttributeValue> InboxKey(Guid userId, DateTimeOffset activity, Guid chatId) =>
        new() { ["user"] = S(userId), ["key"] = S(InboxKeyText(activity, chatId)) };

    private static Dictionary<string, AttributeValue> InboxItem(Guid userId, DateTimeOffset activity, Guid chatId) =>
        new(InboxKey(userId, activity, chatId)) { ["chat"] = S(chatId) };

    private static Chat ReadChat(Dictionary<string, AttributeValue> item) => new(
        GuidOf(item, "id"),
        StoredNames.ChatKindOf(RequiredString(item, "kind")),
        StringOf(item, "name"),
        GuidOf(item, "createdBy"),
        TimeOf(item, "createdAt"),
        TimeOf(item, "lastActivityAt"),
        NullableGuidOf(item, "lastSignalId"))
    {
        Encrypted = item.TryGetValue("encrypted", out var encrypted) && encrypted.BOOL == true,
    };

    private static ChatMember ReadMember(Dictionary<string, AttributeValue> item) => ReadMemberWithSeq(item).Member;

    private static (ChatMember Member, long ReadSeq) ReadMemberWithSeq(Dictionary<string, AttributeValue> item) => (new ChatMember(
        GuidOf(item, "chat"),
        GuidOf(item, "user"),
        TimeOf(item, "joinedAt"),
        NullableGuidOf(item, "d") is { } d ? new ReceiptPointer(d, TimeOf(item, "dAt")) : null,
        NullableGuidOf(item, "r") is { } r ? new ReceiptPointer(r, TimeOf(item, "rAt")) : null), LongOf(item, "rSeq") ?? 0);
}
