using Microsoft.Data.Sqlite;
using PetitChat.Core.Reactions;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string ReactionColumns = "signal_id, user_id, emoji, at";

    public async Task<bool> AddReactionAsync(Reaction reaction, Guid chatId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // The WHERE keeps reactions to the signal's own chat; it also resolves the INSERT ... SELECT
        // ... ON CONFLICT parsing ambiguity that SQLite documents.
        var added = await ExecuteAsync(connection, """
            INSERT INTO reactions (signal_id, user_id, emoji, chat_id, at)
            SELECT @signalId, @userId, @emoji, @chatId, @at
            WHERE EXISTS (SELECT 1 FROM signals WHERE id = @signalId AND chat_id = @chatId)
            ON CONFLICT (signal_id, user_id, emoji) DO NOTHING
            """, ct,
            ("@signalId", ToText(reaction.SignalId)),
            ("@userId", ToText(reaction.UserId)),
            ("@emoji", reaction.Emoji),
            ("@chatId", ToText(chatId)),
            ("@at", ToText(reaction.At)));
        if (added == 0)
        {
            var exists = await ScalarAsync(connection, "SELECT 1 FROM signals WHERE id = @signalId AND chat_id = @chatId", ct,
                ("@signalId", ToText(reaction.SignalId)), ("@chatId", ToText(chatId)));
            return exists is not null
                ? false
                : throw new KeyNotFoundException($"Signal {reaction.SignalId} is not in chat {chatId}.");
        }

        await ExecuteAsync(connection, """
            INSERT INTO reaction_counts (signal_id, emoji, count, first_at) VALUES (@signalId, @emoji, 1, @at)
            ON CONFLICT (signal_id, emoji) DO UPDATE SET count = count + 1
            """, ct, ("@signalId", ToText(reaction.SignalId)), ("@emoji", reaction.Emoji), ("@at", ToText(reaction.At)));
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<bool> RemoveReactionAsync(Guid chatId, Guid signalId, Guid userId, string emoji, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var removed = await ExecuteAsync(connection, """
            DELETE FROM reactions WHERE signal_id = @signalId AND user_id = @userId AND emoji = @emoji AND chat_id = @chatId
            """, ct, ("@signalId", ToText(signalId)), ("@userId", ToText(userId)), ("@emoji", emoji), ("@chatId", ToText(chatId)));
        if (removed == 0)
        {
            return false;
        }

        await ExecuteAsync(connection, "UPDATE reaction_counts SET count = count - 1 WHERE signal_id = @signalId AND emoji = @emoji", ct,
            ("@signalId", ToText(signalId)), ("@emoji", emoji));
        // A zero count is no reaction: readers never see a "0" chip, and the next first use sets first_at anew.
        await ExecuteAsync(connection, "DELETE FROM reaction_counts WHERE signal_id = @signalId AND emoji = @emoji AND count <= 0", ct,
            ("@signalId", ToText(signalId)), ("@emoji", emoji));
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<Reaction>> GetReactionsAsync(Guid chatId, Guid signalId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await QueryAsync(connection, $"""
            SELECT {ReactionColumns} FROM reactions
            WHERE signal_id = @signalId AND chat_id = @chatId
            ORDER BY at, rowid
            """, ReadReaction, ct, ("@signalId", ToText(signalId)), ("@chatId", ToText(chatId)));
    }

    public async Task<IReadOnlyList<Reaction>> GetUserReactionsAsync(Guid chatId, Guid userId, IReadOnlyCollection<Guid> signalIds, CancellationToken ct)
    {
        if (signalIds.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        return await QueryAsync(connection, $"""
            SELECT {ReactionColumns} FROM reactions
            WHERE user_id = @userId AND chat_id = @chatId AND signal_id IN (SELECT value FROM json_each(@ids))
            ORDER BY signal_id, at, rowid
            """, ReadReaction, ct, ("@userId", ToText(userId)), ("@chatId", ToText(chatId)), ("@ids", ToJsonArray(signalIds)));
    }

    private static Reaction ReadReaction(SqliteDataReader reader) =>
        new(ReadGuid(reader, 0), ReadGuid(reader, 1), reader.GetString(2), ReadTime(reader, 3));
}
