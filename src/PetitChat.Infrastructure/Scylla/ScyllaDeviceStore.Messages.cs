using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.E2ee;
using PetitChat.Core.Paging;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaDeviceStore
{
    private const string CursorPrefix = "dm:";

    public async Task AddAsync(IReadOnlyList<DeviceMessage> messages, CancellationToken ct)
    {
        // Plain puts keyed by the message id: repeating one rewrites the same item.
        foreach (var chunk in messages.Chunk(16))
        {
            await Task.WhenAll(chunk.Select(message => _client.RunAsync((db, token) => db.PutItemAsync(new PutItemRequest
            {
                TableName = _messages,
                Item = new(MessageKey(message.RecipientId, message.RecipientDeviceId, message.Id))
                {
                    ["sender"] = S(message.SenderId.ToString("D")),
                    ["senderDevice"] = S(message.SenderDeviceId),
                    ["type"] = S(message.Type),
                    ["content"] = S(message.Content),
                    ["at"] = N(message.CreatedAt.UtcTicks),
                },
            }, token), idempotent: true, ct)));
        }
    }

    public async Task<Page<DeviceMessage>> ListAsync(Guid userId, string deviceId, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var request = new QueryRequest
        {
            TableName = _messages,
            KeyConditionExpression = cursor is null ? "inbox = :i" : "inbox = :i AND id > :after",
            ExpressionAttributeValues = new() { [":i"] = S(Inbox(userId, deviceId)) },
            ScanIndexForward = true,
            ConsistentRead = true,
        };
        if (cursor is not null)
        {
            request.ExpressionAttributeValues[":after"] = S(DecodeCursor(cursor).ToString("D"));
        }

        var items = new List<DeviceMessage>();
        do
        {
            request.Limit = limit + 1 - items.Count;
            var page = await _client.RunAsync((db, token) => db.QueryAsync(request, token), idempotent: true, ct);
            items.AddRange(page.Items.Select(item => ReadMessage(userId, deviceId, item)));
            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (items.Count <= limit && request.ExclusiveStartKey is not null);

        var more = items.Count > limit;
        var result = items.Take(limit).ToList();
        return new Page<DeviceMessage>(result, more ? EncodeCursor(result[^1].Id) : null);
    }

    public async Task<int> TrimAsync(Guid userId, string deviceId, int keep, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(keep);
        // Newest first, keys only: the first `keep` stay, every older one is deleted.
        var request = new QueryRequest
        {
            TableName = _messages,
            KeyConditionExpression = "inbox = :i",
            ExpressionAttributeValues = new() { [":i"] = S(Inbox(userId, deviceId)) },
            ProjectionExpression = "id",
            ScanIndexForward = false,
            ConsistentRead = true,
        };
        var seen = 0;
        var removed = 0;
        do
        {
            request.Limit = seen < keep ? keep - seen : 100;
            var page = await _client.RunAsync((db, token) => db.QueryAsync(request, token), idempotent: true, ct);
            var older = page.Items.Skip(Math.Max(0, keep - seen)).Select(item => Guid.ParseExact(item["id"].S, "D")).ToList();
            seen += page.Items.Count;
            if (older.Count > 0)
            {
                await AcknowledgeAsync(userId, deviceId, older, ct);
                removed += older.Count;
            }

            request.ExclusiveStartKey = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (request.ExclusiveStartKey is not null);

        return removed;
    }

    public async Task AcknowledgeAsync(Guid userId, string deviceId, IReadOnlyCollection<Guid> messageIds, CancellationToken ct)
    {
        // Keys inside this device's partition only: another device's messages cannot be named.
        foreach (var chunk in messageIds.Chunk(16))
        {
            await Task.WhenAll(chunk.Select(id => _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _messages,
                Key = MessageKey(userId, deviceId, id),
            }, token), idempotent: true, ct)));
        }
    }

    public async Task DeleteAllAsync(Guid userId, string deviceId, CancellationToken ct)
    {
        string? cursor = null;
        do
        {
            var page = await ListAsync(userId, deviceId, 100, cursor, ct);
            await AcknowledgeAsync(userId, deviceId, [.. page.Items.Select(m => m.Id)], ct);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    private static string Inbox(Guid userId, string deviceId) => $"{userId:D}#{deviceId}";

    private static Dictionary<string, AttributeValue> MessageKey(Guid userId, string deviceId, Guid id) =>
        new() { ["inbox"] = S(Inbox(userId, deviceId)), ["id"] = S(id.ToString("D")) };

    private static DeviceMessage ReadMessage(Guid userId, string deviceId, Dictionary<string, AttributeValue> item) => new(
        Guid.ParseExact(item["id"].S, "D"),
        userId,
        deviceId,
        Guid.ParseExact(item["sender"].S, "D"),
        item["senderDevice"].S,
        item["type"].S,
        item["content"].S,
        new DateTimeOffset(long.Parse(item["at"].N, CultureInfo.InvariantCulture), TimeSpan.Zero));

    private static string EncodeCursor(Guid id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(CursorPrefix + id.ToString("D")));

    private static Guid DecodeCursor(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.StartsWith(CursorPrefix, StringComparison.Ordinal) && Guid.TryParseExact(text.AsSpan(CursorPrefix.Length), "D", out var id))
            {
                return id;
            }
        }
        catch (FormatException)
        {
            // Reported below like any other malformed cursor.
        }

        throw new InvalidCursorException("The cursor is not one this store issued.");
    }
}
