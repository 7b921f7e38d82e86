using System.Text;
using PetitChat.Core.Chats;
using PetitChat.Core.Signals;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Reads for a whole page at once (a page of chats, a page of the timeline): one statement per
/// kind of data, whatever the number of chats, members or quotes on the page.
/// </summary>
public sealed partial class SqliteChatStore
{
    /// <summary>Chats per statement of <see cref="GetSignalsAfterAsync"/>: well under SQLite's 500 terms of a compound select.</summary>
    private const int ChatsPerStatement = 100;

    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<ChatMember>>> GetMembersOfChatsAsync(IReadOnlyCollection<Guid> chatIds, CancellationToken ct)
    {
        var byChat = new Dictionary<Guid, IReadOnlyList<ChatMember>>();
        if (chatIds.Count == 0)
        {
            return byChat;
        }

        await using var connection = await OpenAsync(ct);
        // rowid orders members who joined at the same instant (a chat's creators) by insertion.
        var members = await QueryAsync(connection, $"""
            SELECT {MemberColumns} FROM members
            WHERE chat_id IN (SELECT value FROM json_each(@chatIds))
            ORDER BY chat_id, joined_at, rowid
            """, ReadMember, ct, ("@chatIds", ToJsonArray(chatIds.Distinct())));
        foreach (var chatId in chatIds)
        {
            byChat[chatId] = [];
        }

        foreach (var group in members.GroupBy(m => m.ChatId))
        {
            byChat[group.Key] = [.. group];
        }

        return byChat;
    }

    public async Task<IReadOnlyList<Signal>> GetSignalsByIdAsync(Guid chatId, IReadOnlyCollection<Guid> signalIds, CancellationToken ct)
    {
        if (signalIds.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: true);
        var signals = await QueryAsync(connection, $"""
            SELECT {SignalColumns} FROM signals
            WHERE chat_id = @chatId AND id IN (SELECT value FROM json_each(@ids))
            """, reader => ReadSignal(reader, 0), ct, ("@chatId", ToText(chatId)), ("@ids", ToJsonArray(signalIds.Distinct())));
        var reactions = await ReadReactionCountsAsync(connection, signals.Select(s => s.Id), ct);
        await transaction.CommitAsync(ct);
        return [.. signals.Select(s => WithReactions(s, reactions))];
    }

    public async Task<IReadOnlyDictionary<Guid, IReadOnlyList<Signal>>> GetSignalsAfterAsync(
        IReadOnlyDictionary<Guid, Guid?> afterByChat, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var byChat = new Dictionary<Guid, List<Signal>>();
        if (afterByChat.Count == 0)
        {
            return new Dictionary<Guid, IReadOnlyList<Signal>>();
        }

        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: true);
        foreach (var chunk in afterByChat.Chunk(ChatsPerStatement))
        {
            // One statement for many chats: a UNION ALL of each chat's own slice, so every slice
            // still walks the (chat_id, id) index with its own bound and LIMIT, as GetSignalsAsync does.
            var sql = new StringBuilder();
            var parameters = new List<(string Name, object? Value)> { ("@limit", limit) };
            for (var i = 0; i < chunk.Length; i++)
            {
                var (chatId, after) = chunk[i];
                if (i > 0)
                {
                    sql.Append(" UNION ALL ");
                }

                sql.Append(after is null
                    ? $"SELECT * FROM (SELECT {SignalColumns} FROM signals WHERE chat_id = @c{i} AND thread_id IS NULL ORDER BY id DESC LIMIT @limit)"
                    : $"SELECT * FROM (SELECT {SignalColumns} FROM signals WHERE chat_id = @c{i} AND thread_id IS NULL AND id > @a{i} ORDER BY id ASC LIMIT @limit)");
                parameters.Add(($"@c{i}", ToText(chatId)));
                if (after is not null)
                {
                    parameters.Add(($"@a{i}", ToText(after)));
                }
            }

            foreach (var signal in await QueryAsync(connection, sql.ToString(), reader => ReadSignal(reader, 0), ct, [.. parameters]))
            {
                if (!byChat.TryGetValue(signal.ChatId, out var list))
                {
                    byChat[signal.ChatId] = list = [];
                }

                list.Add(signal);
            }
        }

        var reactions = await ReadReactionCountsAsync(connection, byChat.Values.SelectMany(list => list).Select(s => s.Id), ct);
        await transaction.CommitAsync(ct);
        var result = new Dictionary<Guid, IReadOnlyList<Signal>>(afterByChat.Count);
        foreach (var chatId in afterByChat.Keys)
        {
            // Newest first, as GetSignalsAsync returns every slice.
            result[chatId] = byChat.TryGetValue(chatId, out var list)
                ? [.. list.OrderByDescending(s => ToText(s.Id), StringComparer.Ordinal).Select(s => WithReactions(s, reactions))]
                : [];
        }

        return result;
    }
}
