using System.Globalization;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Chats;
using PetitChat.Core.Paging;
using PetitChat.Core.Receipts;
using PetitChat.Core.Signals;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string ChatColumns = "c.id, c.kind, c.name, c.created_by, c.created_at, c.last_activity_at, c.last_signal_id, c.encrypted";
    private const string MemberColumns = "chat_id, user_id, joined_at, delivered_signal_id, delivered_at, read_signal_id, read_at";

    public async Task<(Chat Chat, bool Created)> CreateChatAsync(Chat chat, IReadOnlyList<Guid> memberIds, CancellationToken ct)
    {
        var members = memberIds.Distinct().ToList();
        if (chat.Kind == ChatKind.Direct && members.Count != 2)
        {
            throw new ArgumentException("A direct chat has exactly two distinct members.", nameof(memberIds));
        }

        var directKey = chat.Kind == ChatKind.Direct
            ? string.Join(":", members.Select(ToText).Order(StringComparer.Ordinal))
            : null;

        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var inserted = await ExecuteAsync(connection, """
            INSERT INTO chats (id, kind, name, created_by, created_at, last_activity_at, last_signal_id, direct_key, encrypted)
            VALUES (@id, @kind, @name, @createdBy, @createdAt, @lastActivityAt, @lastSignalId, @directKey, @encrypted)
            ON CONFLICT (direct_key) DO NOTHING
            """, ct,
            ("@id", ToText(chat.Id)),
            ("@kind", StoredNames.Of(chat.Kind)),
            ("@name", chat.Name),
            ("@createdBy", ToText(chat.CreatedBy)),
            ("@createdAt", ToText(chat.CreatedAt)),
            ("@lastActivityAt", ToText(chat.LastActivityAt)),
            ("@lastSignalId", ToText(chat.LastSignalId)),
            ("@directKey", directKey),
            ("@encrypted", chat.Encrypted));

        if (inserted == 0)
        {
            var existing = await QueryAsync(connection, $"SELECT {ChatColumns} FROM chats c WHERE c.direct_key = @directKey", ReadChat, ct,
                ("@directKey", directKey));
            return (existing[0], false);
        }

        foreach (var member in members)
        {
            await ExecuteAsync(connection, "INSERT INTO members (chat_id, user_id, joined_at) VALUES (@chatId, @userId, @joinedAt)", ct,
                ("@chatId", ToText(chat.Id)),
                ("@userId", ToText(member)),
                ("@joinedAt", ToText(chat.CreatedAt)));
        }

        await transaction.CommitAsync(ct);
        return (chat, true);
    }

    public async Task<Chat?> GetChatAsync(Guid chatId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var chats = await QueryAsync(connection, $"SELECT {ChatColumns} FROM chats c WHERE c.id = @id", ReadChat, ct,
            ("@id", ToText(chatId)));
        return chats.Count == 0 ? null : chats[0];
    }

    public async Task<IReadOnlyList<ChatMember>> GetMembersAsync(Guid chatId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // rowid orders members who joined at the same instant (a chat's creators) by insertion.
        return await QueryAsync(connection, $"SELECT {MemberColumns} FROM members WHERE chat_id = @chatId ORDER BY joined_at, rowid",
            ReadMember, ct, ("@chatId", ToText(chatId)));
    }

    public async Task<ChatMember?> GetMemberAsync(Guid chatId, Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var members = await QueryAsync(connection, $"SELECT {MemberColumns} FROM members WHERE chat_id = @chatId AND user_id = @userId",
            ReadMember, ct, ("@chatId", ToText(chatId)), ("@userId", ToText(userId)));
        return members.Count == 0 ? null : members[0];
    }

    public async Task<AddMemberResult> AddMemberAsync(Guid chatId, Guid userId, Signal joined, int maxMembers, CancellationToken ct)
    {
        RequireSameChat(chatId, joined);
        await using var connection = await OpenAsync(ct);
        // The count and the insert share the write lock, so parallel adds cannot overfill the chat.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var state = await QueryAsync(connection, """
            SELECT EXISTS (SELECT 1 FROM members WHERE chat_id = @chatId AND user_id = @userId),
                   (SELECT count(*) FROM members WHERE chat_id = @chatId)
            FROM chats WHERE id = @chatId
            """, reader => (IsMember: reader.GetBoolean(0), Count: reader.GetInt32(1)), ct,
            ("@chatId", ToText(chatId)), ("@userId", ToText(userId)));
        if (state.Count == 0)
        {
            throw new KeyNotFoundException($"Chat {chatId} does not exist.");
        }

        if (state[0].IsMember)
        {
            return AddMemberResult.AlreadyMember;
        }

        if (state[0].Count >= maxMembers)
        {
            return AddMemberResult.ChatFull;
        }

        await AppendInTransactionAsync(transaction, joined, ct);
        await ExecuteAsync(connection, """
            INSERT INTO members (chat_id, user_id, joined_at, delivered_signal_id, delivered_at, read_signal_id, read_at)
            VALUES (@chatId, @userId, @joinedAt, @signalId, @joinedAt, @signalId, @joinedAt)
            """, ct,
            ("@chatId", ToText(chatId)), ("@userId", ToText(userId)), ("@joinedAt", ToText(joined.CreatedAt)), ("@signalId", ToText(joined.Id)));
        await transaction.CommitAsync(ct);
        return AddMemberResult.Added;
    }

    public async Task<bool> RemoveMemberAsync(Guid chatId, Guid userId, Signal left, CancellationToken ct)
    {
        RequireSameChat(chatId, left);
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var removed = await ExecuteAsync(connection, "DELETE FROM members WHERE chat_id = @chatId AND user_id = @userId", ct,
            ("@chatId", ToText(chatId)), ("@userId", ToText(userId)));
        if (removed == 0)
        {
            return false;
        }

        await AppendInTransactionAsync(transaction, left, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<Page<ChatSummary>> ListChatsAsync(Guid userId, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // Without a cursor, a time after any stored one and the greatest id text start from the top.
        var (afterActivity, afterId) = ("9999-12-31T23:59:59.9999999Z", "~");
        if (cursor is not null)
        {
            var (id, key) = SqliteCursor.Decode(cursor);
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTime.MaxValue.Ticks)
            {
                throw new InvalidCursorException("The cursor is not one this store issued.");
            }

            (afterActivity, afterId) = (ToText(new DateTimeOffset(ticks, TimeSpan.Zero)), ToText(id));
        }

        var (items, more) = await QuerySummariesAsync(userId, "(c.last_activity_at, c.id) < (@afterActivity, @afterId)", limit, ct,
            ("@afterActivity", afterActivity), ("@afterId", afterId));
        if (!more)
        {
            return new Page<ChatSummary>(items, null);
        }

        var last = items[^1].Chat;
        var lastTicks = last.LastActivityAt.UtcTicks.ToString(CultureInfo.InvariantCulture);
        return new Page<ChatSummary>(items, SqliteCursor.Encode(last.Id, lastTicks));
    }

    public async Task<ChatSummary?> GetChatSummaryAsync(Guid chatId, Guid userId, CancellationToken ct)
    {
        var (items, _) = await QuerySummariesAsync(userId, "c.id = @chatId", 1, ct, ("@chatId", ToText(chatId)));
        return items.Count == 0 ? null : items[0];
    }

    /// <summary>The user's chats matching <paramref name="filter"/>, by activity, and whether there are more than <paramref name="limit"/>.</summary>
    private async Task<(List<ChatSummary> Items, bool More)> QuerySummariesAsync(
        Guid userId, string filter, int limit, CancellationToken ct, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync(ct);
        // A read transaction, so the chats and their last signals' reactions come from one snapshot.
        await using var transaction = connection.BeginTransaction(deferred: true);
        // Unread: others' signals after my read pointer (all of them when I never read), counted
        // on the main timeline's (chat_id, id, sender_id) index without touching the table.
        var rows = await QueryAsync(connection, $"""
            SELECT {ChatColumns},
                   (SELECT count(*) FROM signals s
                    WHERE s.chat_id = c.id AND s.thread_id IS NULL AND s.sender_id <> @userId
                      AND (m.read_signal_id IS NULL OR s.id > m.read_signal_id)),
                   {SignalColumnsOf("ls")}
            FROM members m
            JOIN chats c ON c.id = m.chat_id
            LEFT JOIN signals ls ON ls.id = c.last_signal_id
            WHERE m.user_id = @userId AND {filter}
            ORDER BY c.last_activity_at DESC, c.id DESC
            LIMIT @take
            """, reader => (
                Chat: ReadChat(reader),
                Unread: reader.GetInt32(8),
                LastSignal: reader.IsDBNull(9) ? null : ReadSignal(reader, 9)), ct,
            [("@userId", ToText(userId)), ("@take", limit + 1), .. parameters]);

        var page = rows.Take(limit).ToList();
        var reactions = await ReadReactionCountsAsync(connection, page.Where(r => r.LastSignal is not null).Select(r => r.LastSignal!.Id), ct);
        await transaction.CommitAsync(ct);

        var items = page
            .Select(r => new ChatSummary(r.Chat, r.Unread, r.LastSignal is null ? null : WithReactions(r.LastSignal, reactions)))
            .ToList();
        return (items, rows.Count > limit);
    }

    private static void RequireSameChat(Guid chatId, Signal signal)
    {
        if (signal.ChatId != chatId)
        {
            throw new ArgumentException($"The signal belongs to chat {signal.ChatId}, not {chatId}.", nameof(signal));
        }
    }

    private static Chat ReadChat(SqliteDataReader reader) => new(
        ReadGuid(reader, 0),
        StoredNames.ChatKindOf(reader.GetString(1)),
        ReadNullableString(reader, 2),
        ReadGuid(reader, 3),
        ReadTime(reader, 4),
        ReadTime(reader, 5),
        ReadNullableGuid(reader, 6))
    {
        Encrypted = reader.GetBoolean(7),
    };

    private static ChatMember ReadMember(SqliteDataReader reader) => new(
        ReadGuid(reader, 0),
        ReadGuid(reader, 1),
        ReadTime(reader, 2),
        reader.IsDBNull(3) ? null : new ReceiptPointer(ReadGuid(reader, 3), ReadTime(reader, 4)),
        reader.IsDBNull(5) ? null : new ReceiptPointer(ReadGuid(reader, 5), ReadTime(reader, 6)));
}
