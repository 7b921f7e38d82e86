using PetitChat.Core.Chats;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteChatStore
{
    public async Task<IReadOnlyList<ChatRef>> ListChatRefsAsync(Guid userId, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenAsync(ct);
        // The members table's (user_id) index and the chats' primary key: no unread count, no last signal.
        return await QueryAsync(connection, """
            SELECT c.id, c.kind, c.name
            FROM members m
            JOIN chats c ON c.id = m.chat_id
            WHERE m.user_id = @userId
            ORDER BY c.last_activity_at DESC, c.id DESC
            LIMIT @take
            """, reader => new ChatRef(ReadGuid(reader, 0), StoredNames.ChatKindOf(reader.GetString(1)), ReadNullableString(reader, 2)), ct,
            ("@userId", ToText(userId)), ("@take", limit));
    }
}
