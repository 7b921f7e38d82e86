using System.Text.Json;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Signals;
using PetitChat.Core.Threads;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>Thread replies: rows of <c>signals</c> with a <c>thread_id</c>, and the summary on their root.</summary>
public sealed partial class SqliteChatStore
{
    public async Task<IReadOnlyList<Signal>> GetThreadAsync(Guid chatId, Guid rootId, TimelineQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        if (query.Before is not null && query.After is not null)
        {
            throw new ArgumentException("A thread query takes Before or After, not both.", nameof(query));
        }

        const string Where = "WHERE thread_id = @rootId AND chat_id = @chatId";
        var (sql, bound) = (query.Before, query.After) switch
        {
            ({ } before, _) => ($"SELECT {SignalColumns} FROM signals {Where} AND id < @bound ORDER BY id DESC LIMIT @limit", ToText(before)),
            (_, { } after) => ($"SELECT {SignalColumns} FROM signals {Where} AND id > @bound ORDER BY id ASC LIMIT @limit", ToText(after)),
            _ => ($"SELECT {SignalColumns} FROM signals {Where} ORDER BY id ASC LIMIT @limit", null),
        };

        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var replies = await QueryAsync(connection, sql, reader => ReadSignal(reader, 0), ct,
            ("@rootId", ToText(rootId)), ("@chatId", ToText(chatId)), ("@bound", bound), ("@limit", query.Limit));
        if (query.Before is not null)
        {
            replies.Reverse();
        }

        var reactions = await ReadReactionCountsAsync(connection, replies.Select(s => s.Id), ct);
        await transaction.CommitAsync(ct);
        return [.. replies.Select(s => WithReactions(s, reactions))];
    }

    /// <summary>
    /// The root's summary gains a reply, in the reply's write transaction: the count, the newest
    /// time (only forward), and the sender among the participants while there is room.
    /// </summary>
    private static Task<int> AddThreadReplyAsync(SqliteConnection connection, Signal reply, Guid rootId, CancellationToken ct) =>
        ExecuteAsync(connection, """
            UPDATE signals SET
                thread_reply_count = thread_reply_count + 1,
                thread_last_reply_at = CASE WHEN thread_last_reply_at IS NULL OR thread_last_reply_at < @at THEN @at ELSE thread_last_reply_at END,
                thread_participants = CASE
                    WHEN sender_id = @sender
                      OR EXISTS (SELECT 1 FROM json_each(coalesce(thread_participants, '[]')) WHERE value = @sender)
                      OR json_array_length(coalesce(thread_participants, '[]')) >= @room
                    THEN thread_participants
                    ELSE json_insert(coalesce(thread_participants, '[]'), '$[#]', @sender) END
            WHERE id = @rootId AND chat_id = @chatId
            """, ct,
            ("@at", ToText(reply.CreatedAt)),
            ("@sender", ToText(reply.SenderId)),
            ("@room", ThreadSummary.MaxParticipants - 1),
            ("@rootId", ToText(rootId)),
            ("@chatId", ToText(reply.ChatId)));

    /// <summary>The summary columns at <paramref name="offset"/> (count, newest, repliers); null before the first reply.</summary>
    private static ThreadSummary? ReadThreadSummary(SqliteDataReader reader, int senderOrdinal, int offset)
    {
        var count = reader.GetInt32(offset);
        if (count == 0)
        {
            return null;
        }

        var repliers = reader.IsDBNull(offset + 2)
            ? []
            : JsonSerializer.Deserialize(reader.GetString(offset + 2), SqliteJsonContext.Default.GuidArray) ?? [];
        return new ThreadSummary(count, ReadTime(reader, offset + 1), ThreadSummary.Participants(ReadGuid(reader, senderOrdinal), repliers));
    }
}
