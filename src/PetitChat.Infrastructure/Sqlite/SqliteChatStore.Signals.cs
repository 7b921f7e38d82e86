using System.Text.Json;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Reactions;
using PetitChat.Core.Signals;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string SignalColumns =
        "id, chat_id, kind, sender_id, text, client_id, created_at, member_id, call_url, attachment_ids, call_info, encrypted_json, edited_at, deleted_at, reply_to_id, mentions, old_name, new_name, thread_id, thread_reply_count, thread_last_reply_at, thread_participants";

    public Task<AppendResult> AppendSignalAsync(Signal signal, CancellationToken ct) =>
        options.GroupCommit ? AppendGroupedAsync(signal) : AppendAloneAsync(signal, ct);

    /// <summary>One transaction of its own per append: the path before group commit (Store:Sqlite:GroupCommit = false).</summary>
    private async Task<AppendResult> AppendAloneAsync(Signal signal, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var result = await AppendInTransactionAsync(transaction, signal, ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    public async Task<Signal?> GetSignalAsync(Guid chatId, Guid signalId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var signals = await QueryAsync(connection, $"SELECT {SignalColumns} FROM signals WHERE id = @id AND chat_id = @chatId",
            reader => ReadSignal(reader, 0), ct, ("@id", ToText(signalId)), ("@chatId", ToText(chatId)));
        if (signals.Count == 0)
        {
            return null;
        }

        var reactions = await ReadReactionCountsAsync(connection, [signalId], ct);
        await transaction.CommitAsync(ct);
        return WithReactions(signals[0], reactions);
    }

    public async Task<IReadOnlyList<Signal>> GetSignalsAsync(Guid chatId, TimelineQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        if (query.Before is not null && query.After is not null)
        {
            throw new ArgumentException("A timeline query takes Before or After, not both.", nameof(query));
        }

        // Id text order is UUIDv7 order, so the (chat_id, id) index walks the timeline both ways.
        var (sql, bound) = (query.Before, query.After) switch
        {
            ({ } before, _) => ($"SELECT {SignalColumns} FROM signals WHERE chat_id = @chatId AND thread_id IS NULL AND id < @bound ORDER BY id DESC LIMIT @limit", ToText(before)),
            (_, { } after) => ($"SELECT {SignalColumns} FROM signals WHERE chat_id = @chatId AND thread_id IS NULL AND id > @bound ORDER BY id ASC LIMIT @limit", ToText(after)),
            _ => ($"SELECT {SignalColumns} FROM signals WHERE chat_id = @chatId AND thread_id IS NULL ORDER BY id DESC LIMIT @limit", null),
        };

        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var signals = await QueryAsync(connection, sql, reader => ReadSignal(reader, 0), ct,
            ("@chatId", ToText(chatId)), ("@bound", bound), ("@limit", query.Limit));
        if (query.After is not null)
        {
            signals.Reverse();
        }

        var reactions = await ReadReactionCountsAsync(connection, signals.Select(s => s.Id), ct);
        await transaction.CommitAsync(ct);
        return [.. signals.Select(s => WithReactions(s, reactions))];
    }

    private static async Task<Dictionary<Guid, List<ReactionCount>>> ReadReactionCountsAsync(
        SqliteConnection connection, IEnumerable<Guid> signalIds, CancellationToken ct)
    {
        var ids = signalIds.ToList();
        var counts = new Dictionary<Guid, List<ReactionCount>>();
        if (ids.Count == 0)
        {
            return counts;
        }

        // Emojis in the order they were first used (among the current reactions), then by text:
        // a chip does not jump around when someone else adds to another one.
        var rows = await QueryAsync(connection, """
            SELECT signal_id, emoji, count FROM reaction_counts
            WHERE signal_id IN (SELECT value FROM json_each(@ids))
            ORDER BY signal_id, first_at, emoji
            """, reader => (SignalId: ReadGuid(reader, 0), Count: new ReactionCount(reader.GetString(1), reader.GetInt32(2))), ct,
            ("@ids", ToJsonArray(ids)));
        foreach (var (signalId, count) in rows)
        {
            if (!counts.TryGetValue(signalId, out var list))
            {
                counts[signalId] = list = [];
            }

            list.Add(count);
        }

        return counts;
    }

    private static Signal WithReactions(Signal signal, Dictionary<Guid, List<ReactionCount>> reactions) =>
        reactions.TryGetValue(signal.Id, out var counts) ? signal with { Reactions = counts } : signal;

    private static string SignalColumnsOf(string alias) =>
        string.Join(", ", SignalColumns.Split(", ").Select(column => $"{alias}.{column}"));

    /// <summary>Reads the twenty-two <see cref="SignalColumns"/> starting at <paramref name="offset"/>, with no reactions.</summary>
    private static Signal ReadSignal(SqliteDataReader reader, int offset) => new Signal(
        ReadGuid(reader, offset),
        ReadGuid(reader, offset + 1),
        StoredNames.SignalKindOf(reader.GetString(offset + 2)),
        ReadGuid(reader, offset + 3),
        ReadNullableString(reader, offset + 4),
        ReadNullableString(reader, offset + 5),
        ReadTime(reader, offset + 6),
        ReadNullableGuid(reader, offset + 7),
        ReadNullableString(reader, offset + 8),
        [])
    {
        AttachmentIds = reader.IsDBNull(offset + 9)
            ? []
            : JsonSerializer.Deserialize(reader.GetString(offset + 9), SqliteJsonContext.Default.GuidArray) ?? [],
        Call = StoredSignalCall.Read(ReadNullableString(reader, offset + 10)),
        Encrypted = reader.IsDBNull(offset + 11)
            ? null
            : JsonSerializer.Deserialize(reader.GetString(offset + 11), SqliteJsonContext.Default.EncryptedPayload),
        EditedAt = reader.IsDBNull(offset + 12) ? null : ReadTime(reader, offset + 12),
        DeletedAt = reader.IsDBNull(offset + 13) ? null : ReadTime(reader, offset + 13),
        ReplyToId = ReadNullableGuid(reader, offset + 14),
        Mentions = reader.IsDBNull(offset + 15)
            ? []
            : JsonSerializer.Deserialize(reader.GetString(offset + 15), SqliteJsonContext.Default.GuidArray) ?? [],
        OldName = ReadNullableString(reader, offset + 16),
        NewName = ReadNullableString(reader, offset + 17),
        ThreadId = ReadNullableGuid(reader, offset + 18),
        Thread = ReadThreadSummary(reader, offset + 3, offset + 19),
    };
}
