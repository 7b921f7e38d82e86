using Microsoft.Data.Sqlite;
using PetitChat.Core.E2ee;
using PetitChat.Core.Paging;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteDeviceStore
{
    private const string MessageColumns = "user_id, device_id, id, sender_id, sender_device_id, type, content, created_at";

    public async Task AddAsync(IReadOnlyList<DeviceMessage> messages, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        foreach (var message in messages)
        {
            await ExecuteAsync(connection, $"""
                INSERT INTO device_messages ({MessageColumns}) VALUES (@user, @device, @id, @sender, @senderDevice, @type, @content, @at)
                ON CONFLICT DO NOTHING
                """, ct, ("@user", ToText(message.RecipientId)), ("@device", message.RecipientDeviceId), ("@id", ToText(message.Id)),
                ("@sender", ToText(message.SenderId)), ("@senderDevice", message.SenderDeviceId), ("@type", message.Type),
                ("@content", message.Content), ("@at", ToText(message.CreatedAt)));
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<Page<DeviceMessage>> ListAsync(Guid userId, string deviceId, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var after = cursor is null ? "" : ToText(SqliteCursor.Decode(cursor).Id);
        await using var connection = await OpenAsync(ct);
        var rows = await QueryAsync(connection, $"""
            SELECT {MessageColumns} FROM device_messages
            WHERE user_id = @user AND device_id = @device AND id > @after ORDER BY id LIMIT @take
            """, ReadMessage, ct, ("@user", ToText(userId)), ("@device", deviceId), ("@after", after), ("@take", limit + 1));
        var more = rows.Count > limit;
        var page = rows.Take(limit).ToList();
        return new Page<DeviceMessage>(page, more ? SqliteCursor.Encode(page[^1].Id, "") : null);
    }

    public async Task<int> TrimAsync(Guid userId, string deviceId, int keep, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        await using var connection = await OpenAsync(ct);
        // Everything at or below the (keep + 1)-th newest id goes; with keep or fewer rows the
        // subquery is NULL and nothing matches.
        return await ExecuteAsync(connection, """
            DELETE FROM device_messages WHERE user_id = @user AND device_id = @device AND id <= (
                SELECT id FROM device_messages WHERE user_id = @user AND device_id = @device ORDER BY id DESC LIMIT 1 OFFSET @keep)
            """, ct, ("@user", ToText(userId)), ("@device", deviceId), ("@keep", keep));
    }

    public async Task AcknowledgeAsync(Guid userId, string deviceId, IReadOnlyCollection<Guid> messageIds, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            DELETE FROM device_messages WHERE user_id = @user AND device_id = @device AND id IN (SELECT value FROM json_each(@ids))
            """, ct, ("@user", ToText(userId)), ("@device", deviceId), ("@ids", "[" + string.Join(",", messageIds.Select(id => $"\"{id:D}\"")) + "]"));
    }

    public async Task DeleteAllAsync(Guid userId, string deviceId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, "DELETE FROM device_messages WHERE user_id = @user AND device_id = @device", ct,
            ("@user", ToText(userId)), ("@device", deviceId));
    }

    private static DeviceMessage ReadMessage(SqliteDataReader reader) => new(
        Guid.ParseExact(reader.GetString(2), "D"), Guid.ParseExact(reader.GetString(0), "D"), reader.GetString(1), Guid.ParseExact(reader.GetString(3), "D"), reader.GetString(4), reader.GetString(5),
        reader.GetString(6), ParseTime(reader.GetString(7)));
}
