using System.Globalization;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Presence;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Presence data in the Scylla store's cluster: <c>presence</c>, an item per user holding their
/// status and the last Microsoft 365 presence as separate attributes (each written without
/// touching the other), and <c>presence_links</c>, the linked users spread over
/// <see cref="LinkShards"/> partitions so that the sync reads them all with a few queries and no scan.
/// </summary>
public sealed class ScyllaPresenceStore(ScyllaChatStore store) : IPresenceStore
{
    private const int LinkShards = 16;
    private static readonly string[] StatusAttributes = ["emoji", "statusText", "expiresAt", "availability", "setAt"];

    private readonly AlternatorClient _client = store.Client;
    private readonly string _table = store.Tables.Presence;
    private readonly string _links = store.Tables.PresenceLinks;

    public Task SetStatusAsync(Guid userId, UserStatus status, CancellationToken ct)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            ["emoji"] = status.Emoji is null ? null! : S(status.Emoji),
            ["statusText"] = status.Text is null ? null! : S(status.Text),
            ["expiresAt"] = status.ExpiresAt is { } at ? N(at.UtcTicks) : null!,
            ["availability"] = S(status.Availability.ToString()),
            ["setAt"] = N(status.SetAt.UtcTicks),
        };
        return UpdateAsync(userId, values, ct);
    }

    public async Task<bool> ClearStatusAsync(Guid userId, CancellationToken ct)
    {
        var old = await _client.RunAsync((db, token) => db.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(userId),
            UpdateExpression = "REMOVE " + string.Join(", ", StatusAttributes),
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
        }, token), idempotent: true, ct);
        return old.Attributes?.ContainsKey("setAt") == true;
    }

    public Task SetExternalAsync(Guid userId, ExternalPresence? external, CancellationToken ct)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            ["extState"] = external is null ? null! : S(external.State.ToString()),
            ["extActivity"] = external is null ? null! : S(external.Activity),
            ["extMessage"] = external?.Message is { } message ? S(message) : null!,
            ["extAt"] = external is null ? null! : N(external.At.UtcTicks),
        };
        return UpdateAsync(userId, values, ct);
    }

    public Task SetLastSeenAsync(Guid userId, DateTimeOffset at, CancellationToken ct) =>
        UpdateAsync(userId, new Dictionary<string, AttributeValue> { ["lastSeen"] = N(at.UtcTicks) }, ct);

    public async Task<IReadOnlyDictionary<Guid, StoredPresence>> GetAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var found = new Dictionary<Guid, StoredPresence>(userIds.Count);
        foreach (var chunk in userIds.Distinct().Chunk(100))
        {
            var pending = new Dictionary<string, KeysAndAttributes> { [_table] = new() { Keys = [.. chunk.Select(Key)], ConsistentRead = true } };
            for (var round = 0; pending.Count > 0; round++)
            {
                var request = new BatchGetItemRequest { RequestItems = pending };
                var response = await _client.RunAsync((db, token) => db.BatchGetItemAsync(request, token), idempotent: true, ct);
                foreach (var item in response.Responses?.GetValueOrDefault(_table) ?? [])
                {
                    if (Read(item) is { } stored)
                    {
                        found[Guid.Parse(item["user"].S)] = stored;
                    }
                }

                pending = response.UnprocessedKeys is { Count: > 0 } unprocessed ? unprocessed : [];
                if (pending.Count > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 20 << Math.Min(round, 6))), ct);
                }
            }
        }

        return found;
    }

    public Task SetLinkAsync(Microsoft365Link link, CancellationToken ct) =>
        _client.RunAsync((db, token) => db.PutItemAsync(new PutItemRequest
        {
            TableName = _links,
            Item = new()
            {
                ["shard"] = S(ShardOf(link.UserId)),
                ["user"] = S(link.UserId.ToString("D")),
                ["upn"] = S(link.Upn),
                ["writeBack"] = new AttributeValue { BOOL = link.WriteBack },
            },
        }, token), idempotent: true, ct);

    public async Task<bool> RemoveLinkAsync(Guid userId, CancellationToken ct)
    {
        var removed = await _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _links,
            Key = LinkKey(userId),
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
        }, token), idempotent: false, ct);
        return removed.Attributes is { Count: > 0 };
    }

    public async Task<Microsoft365Link?> GetLinkAsync(Guid userId, CancellationToken ct)
    {
        var response = await _client.RunAsync((db, token) => db.GetItemAsync(new GetItemRequest
        {
            TableName = _links,
            Key = LinkKey(userId),
            ConsistentRead = true,
        }, token), idempotent: true, ct);
        return response.IsItemSet && response.Item is { Count: > 0 } item ? ReadLink(item) : null;
    }

    public async Task<IReadOnlyList<Microsoft365Link>> ListLinksAsync(CancellationToken ct)
    {
        var links = new List<Microsoft365Link>();
        for (var shard = 0; shard < LinkShards; shard++)
        {
            var request = new QueryRequest
            {
                TableName = _links,
                KeyConditionExpression = "#s = :shard",
                ExpressionAttributeNames = new() { ["#s"] = "shard" },
                ExpressionAttributeValues = new() { [":shard"] = S(shard.ToString(CultureInfo.InvariantCulture)) },
                ConsistentRead = true,
            };
            while (true)
            {
                var response = await _client.RunAsync((db, token) => db.QueryAsync(request, token), idempotent: true, ct);
                links.AddRange((response.Items ?? []).Select(ReadLink));
                if (response.LastEvaluatedKey is not { Count: > 0 } next)
                {
                    break;
                }

                request.ExclusiveStartKey = next;
            }
        }

        return links;
    }

    /// <summary>Sets the non-null values and removes the attributes whose value is null, in one update of the user's item.</summary>
    private async Task UpdateAsync(Guid userId, Dictionary<string, AttributeValue> values, CancellationToken ct)
    {
        var sets = values.Where(v => v.Value is not null).Select(v => $"#{v.Key} = :{v.Key}").ToList();
        var removes = values.Where(v => v.Value is null).Select(v => $"#{v.Key}").ToList();
        var given = values.Where(v => v.Value is not null).ToDictionary(v => ":" + v.Key, v => v.Value);
        var expression = (sets.Count > 0 ? "SET " + string.Join(", ", sets) : "") + (removes.Count > 0 ? " REMOVE " + string.Join(", ", removes) : "");
        await _client.RunAsync((db, token) => db.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(userId),
            UpdateExpression = expression.Trim(),
            ExpressionAttributeNames = values.Keys.ToDictionary(k => "#" + k, k => k),
            ExpressionAttributeValues = given.Count > 0 ? given : null,
        }, token), idempotent: true, ct);
    }

    private static StoredPresence? Read(Dictionary<string, AttributeValue> item)
    {
        var status = item.TryGetValue("setAt", out var setAt)
            ? new UserStatus(
                item.TryGetValue("emoji", out var emoji) ? emoji.S : null,
                item.TryGetValue("statusText", out var text) ? text.S : null,
                item.TryGetValue("expiresAt", out var expires) ? Time(expires) : null,
                Enum.Parse<Availability>(item["availability"].S),
                Time(setAt))
            : null;
        var external = item.TryGetValue("extAt", out var at)
            ? new ExternalPresence(Enum.Parse<PresenceState>(item["extState"].S), item["extActivity"].S,
                item.TryGetValue("extMessage", out var message) ? message.S : null, Time(at))
            : null;
        DateTimeOffset? lastSeen = item.TryGetValue("lastSeen", out var seen) ? Time(seen) : null;
        return status is null && external is null && lastSeen is null ? null : new StoredPresence(status, external) { LastSeenAt = lastSeen };
    }

    private static Microsoft365Link ReadLink(Dictionary<string, AttributeValue> item) =>
        new(Guid.Parse(item["user"].S), item["upn"].S, item.TryGetValue("writeBack", out var writeBack) && writeBack.BOOL == true);

    private static string ShardOf(Guid userId) =>
        (PetitChat.Infrastructure.Notifications.UserHash.Of(userId) % LinkShards).ToString(CultureInfo.InvariantCulture);

    private static Dictionary<string, AttributeValue> Key(Guid userId) => new() { ["user"] = S(userId.ToString("D")) };

    private static Dictionary<string, AttributeValue> LinkKey(Guid userId) => new() { ["shard"] = S(ShardOf(userId)), ["user"] = S(userId.ToString("D")) };

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static DateTimeOffset Time(AttributeValue value) => new(long.Parse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), TimeSpan.Zero);
}
