using Microsoft.Data.Sqlite;
using PetitChat.Core.Signals;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>Edits, tombstones and renames: each one transaction with the search job it owes.</summary>
public sealed partial class SqliteChatStore
{
    public async Task<Signal?> EditSignalAsync(Guid chatId, Guid signalId, string text, IReadOnlyList<Guid> mentions, DateTimeOffset editedAt, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var changed = await ExecuteAsync(connection, """
            UPDATE signals SET text = @text, mentions = @mentions, edited_at = @editedAt
            WHERE id = @id AND chat_id = @chatId AND deleted_at IS NULL
            """, ct,
            ("@text", text),
            ("@mentions", mentions.Count == 0 ? null : ToJsonArray(mentions)),
            ("@editedAt", ToText(editedAt)),
            ("@id", ToText(signalId)),
            ("@chatId", ToText(chatId)));
        if (changed == 0)
        {
            return null;
        }

        var edited = (await ReadOneAsync(connection, chatId, signalId, ct))!;
        await AddJobAsync(connection, edited, editedAt, ct);
        var reactions = await ReadReactionCountsAsync(connection, [signalId], ct);
        await transaction.CommitAsync(ct);
        return WithReactions(edited, reactions);
    }

    public async Task<SignalDeletion?> DeleteSignalAsync(Guid chatId, Guid signalId, DateTimeOffset deletedAt, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var before = await ReadOneAsync(connection, chatId, signalId, ct);
        if (before is null)
        {
            return null;
        }

        if (before.DeletedAt is not null)
        {
            return new SignalDeletion(before, Deleted: false, []);
        }

        await ExecuteAsync(connection, """
            UPDATE signals SET text = NULL, mentions = NULL, attachment_ids = NULL, call_url = NULL, encrypted_json = NULL, deleted_at = @deletedAt
            WHERE id = @id
            """, ct, ("@deletedAt", ToText(deletedAt)), ("@id", ToText(signalId)));
        await ExecuteAsync(connection, "DELETE FROM reactions WHERE signal_id = @id", ct, ("@id", ToText(signalId)));
        await ExecuteAsync(connection, "DELETE FROM reaction_counts WHERE signal_id = @id", ct, ("@id", ToText(signalId)));
        var tombstone = (await ReadOneAsync(connection, chatId, signalId, ct))!;
        await AddJobAsync(connection, tombstone, deletedAt, ct);
        await transaction.CommitAsync(ct);
        return new SignalDeletion(tombstone, Deleted: true, before.AttachmentIds);
    }

    public async Task<bool> RenameChatAsync(Guid chatId, string? expectedName, Signal renamed, CancellationToken ct)
    {
        RequireSameChat(chatId, renamed);
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var changed = await ExecuteAsync(connection, """
            UPDATE chats SET name = @name WHERE id = @chatId AND name IS @expected
            """, ct, ("@name", renamed.NewName), ("@chatId", ToText(chatId)), ("@expected", expectedName));
        if (changed == 0)
        {
            return false;
        }

        await AppendInTransactionAsync(transaction, renamed, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    private static async Task<Signal?> ReadOneAsync(SqliteConnection connection, Guid chatId, Guid signalId, CancellationToken ct)
    {
        var signals = await QueryAsync(connection, $"SELECT {SignalColumns} FROM signals WHERE id = @id AND chat_id = @chatId",
            reader => ReadSignal(reader, 0), ct, ("@id", ToText(signalId)), ("@chatId", ToText(chatId)));
        return signals.Count == 0 ? null : signals[0];
    }

    /// <summary>A new search job for a signal that changed: the indexer reads it as it is now (gone from the index when it has no text).</summary>
    private static Task<int> AddJobAsync(SqliteConnection connection, Signal signal, DateTimeOffset at, CancellationToken ct) =>
        ExecuteAsync(connection, InsertSearchJobSql, ct,
            ("@id", ToText(Guid.CreateVersion7(at))),
            ("@chatId", ToText(signal.ChatId)),
            ("@signalId", ToText(signal.Id)),
            ("@dueAt", ToText(at)));
}
