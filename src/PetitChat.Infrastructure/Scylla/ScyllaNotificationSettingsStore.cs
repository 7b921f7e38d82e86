using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Notification settings in the Scylla store's cluster, through its client (same endpoints,
/// retries and table prefix), in one table created at start-up with the others:
/// <c>notification_settings</c>, one partition per user holding the push subscriptions
/// (<c>push#</c> + SHA-256 of the endpoint), the webhook (<c>webhook</c>) and the muted chats
/// (<c>mute#</c> + chat id). An endpoint has one owner: a partition <c>endpoint#</c> + hash with
/// one item <c>owner</c> says whose it is, written only when it is free or already the caller's,
/// so another user can never take it over. docs/scylla.md has the write order.
/// </summary>
public sealed class ScyllaNotificationSettingsStore(ScyllaChatStore store) : INotificationSettingsStore
{
    private const string PushPrefix = "push#";
    private const string MutePrefix = "mute#";
    private const string WebhookKey = "webhook";
    private const string OwnerKey = "owner";

    private readonly AlternatorClient _client = store.Client;
    private readonly string _table = store.Tables.NotificationSettings;

    public async Task<bool> SavePushSubscriptionAsync(PushSubscription subscription, CancellationToken ct)
    {
        var hash = Hash(subscription.Endpoint);
        // The owner first, and only if there is none or it is this user: an endpoint is never moved
        // to another user. Retrying after an unknown outcome is safe (the condition holds again).
        try
        {
            await _client.RunAsync((db, token) => db.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = Key(EndpointPartition(hash), OwnerKey),
                UpdateExpression = "SET #o = :user",
                ConditionExpression = "attribute_not_exists(#o) OR #o = :user",
                ExpressionAttributeNames = new() { ["#o"] = "owner" },
                ExpressionAttributeValues = new() { [":user"] = S(subscription.UserId.ToString("D")) },
            }, token), idempotent: true, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }

        // Keys replaced, creation time kept: a re-subscribing browser keeps its place in the order.
        await _client.RunAsync((db, token) => db.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(UserPartition(subscription.UserId), PushPrefix + hash),
            UpdateExpression = "SET endpoint = :endpoint, p256dh = :p256dh, #a = :auth, createdAt = if_not_exists(createdAt, :at)",
            ExpressionAttributeNames = new() { ["#a"] = "auth" },
            ExpressionAttributeValues = new()
            {
                [":endpoint"] = S(subscription.Endpoint),
                [":p256dh"] = S(subscription.P256dh),
                [":auth"] = S(subscription.Auth),
                [":at"] = N(subscription.CreatedAt.UtcTicks),
            },
        }, token), idempotent: true, ct);
        return true;
    }

    public async Task<bool> RemovePushSubscriptionAsync(Guid userId, string endpoint, CancellationToken ct)
    {
        var hash = Hash(endpoint);
        // The delete that decides the answer is not retried on an unknown outcome (docs/scylla.md).
        var removed = await _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _table,
            Key = Key(UserPartition(userId), PushPrefix + hash),
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
        }, token), idempotent: false, ct);
        // The owner item only while it names this user, and also when the user's entry is missing
        // (a save cut short between its two writes), so that the endpoint is not held forever.
        try
        {
            await _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _table,
                Key = Key(EndpointPartition(hash), OwnerKey),
                ConditionExpression = "#o = :user",
                ExpressionAttributeNames = new() { ["#o"] = "owner" },
                ExpressionAttributeValues = new() { [":user"] = S(userId.ToString("D")) },
            }, token), idempotent: true, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another user's endpoint (or nobody's): not this user's to release.
        }

        return removed.Attributes is { Count: > 0 };
    }

    public async Task<IReadOnlyList<PushSubscription>> GetPushSubscriptionsAsync(Guid userId, CancellationToken ct)
    {
        var items = await QueryPrefixAsync(UserPartition(userId), PushPrefix, ct);
        if (items.Count == 0)
        {
            return [];
        }

        // Only the endpoints this user still owns: an entry left by a move cut short is ignored.
        var owners = await BatchGetAsync(items.Select(i => Key(EndpointPartition(i["key"].S[PushPrefix.Length..]), OwnerKey)), ct);
        var mine = owners.Where(o => o.TryGetValue("owner", out var owner) && owner.S == userId.ToString("D"))
            .Select(o => o["user"].S[EndpointPartition("").Length..])
            .ToHashSet(StringComparer.Ordinal);
        return [.. items.Where(i => mine.Contains(i["key"].S[PushPrefix.Length..]))
            .Select(i => new PushSubscription(userId, i["endpoint"].S, i["p256dh"].S, i["auth"].S, Time(i["createdAt"])))
            .OrderBy(s => s.CreatedAt).ThenBy(s => s.Endpoint, StringComparer.Ordinal)];
    }

    public async Task SaveWebhookAsync(WebhookSettings webhook, CancellationToken ct)
    {
        var item = Key(UserPartition(webhook.UserId), WebhookKey);
        item["url"] = S(webhook.Url);
        item["secret"] = S(webhook.Secret);
        item["updatedAt"] = N(webhook.UpdatedAt.UtcTicks);
        await _client.RunAsync((db, token) => db.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, token), idempotent: true, ct);
    }

    public async Task<bool> RemoveWebhookAsync(Guid userId, CancellationToken ct)
    {
        var removed = await _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _table,
            Key = Key(UserPartition(userId), WebhookKey),
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
        }, token), idempotent: false, ct);
        return removed.Attributes is { Count: > 0 };
    }

    public async Task<WebhookSettings?> GetWebhookAsync(Guid userId, CancellationToken ct) =>
        await GetAsync(Key(UserPartition(userId), WebhookKey), ct) is { } item
            ? new WebhookSettings(userId, item["url"].S, item["secret"].S, Time(item["updatedAt"]))
            : null;

    public async Task SetMutedAsync(Guid chatId, Guid userId, bool muted, CancellationToken ct)
    {
        var key = Key(UserPartition(userId), MutePrefix + chatId.ToString("D"));
        if (muted)
        {
            await _client.RunAsync((db, token) => db.PutItemAsync(new PutItemRequest { TableName = _table, Item = key }, token), idempotent: true, ct);
        }
        else
        {
            await _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest { TableName = _table, Key = key }, token), idempotent: true, ct);
        }
    }

    public async Task<bool> IsMutedAsync(Guid chatId, Guid userId, CancellationToken ct) =>
        await GetAsync(Key(UserPartition(userId), MutePrefix + chatId.ToString("D")), ct) is not null;

    private async Task<Dictionary<string, AttributeValue>?> GetAsync(Dictionary<string, AttributeValue> key, CancellationToken ct)
    {
        var response = await _client.RunAsync((db, token) => db.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = key,
            ConsistentRead = true,
        }, token), idempotent: true, ct);
        return response.IsItemSet && response.Item is { Count: > 0 } item ? item : null;
    }

    private async Task<List<Dictionary<string, AttributeValue>>> QueryPrefixAsync(string partition, string prefix, CancellationToken ct)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "#u = :user AND begins_with(#k, :prefix)",
            ExpressionAttributeNames = new() { ["#u"] = "user", ["#k"] = "key" },
            ExpressionAttributeValues = new() { [":user"] = S(partition), [":prefix"] = S(prefix) },
            ConsistentRead = true,
        };
        var items = new List<Dictionary<string, AttributeValue>>();
        while (true)
        {
            var response = await _client.RunAsync((db, token) => db.QueryAsync(request, token), idempotent: true, ct);
            items.AddRange(response.Items ?? []);
            if (response.LastEvaluatedKey is not { Count: > 0 } next)
            {
                return items;
            }

            request.ExclusiveStartKey = next;
        }
    }

    private async Task<List<Dictionary<string, AttributeValue>>> BatchGetAsync(IEnumerable<Dictionary<string, AttributeValue>> keys, CancellationToken ct)
    {
        var found = new List<Dictionary<string, AttributeValue>>();
        foreach (var chunk in keys.Chunk(100))
        {
            var pending = new Dictionary<string, KeysAndAttributes> { [_table] = new() { Keys = [.. chunk], ConsistentRead = true } };
            for (var round = 0; pending.Count > 0; round++)
            {
                var request = new BatchGetItemRequest { RequestItems = pending };
                var response = await _client.RunAsync((db, token) => db.BatchGetItemAsync(request, token), idempotent: true, ct);
                if (response.Responses?.TryGetValue(_table, out var items) == true)
                {
                    found.AddRange(items);
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

    private static string UserPartition(Guid userId) => userId.ToString("D");

    private static string EndpointPartition(string hash) => "endpoint#" + hash;

    /// <summary>Endpoints are long URLs; their SHA-256 keeps the sort key short and fixed in size.</summary>
    private static string Hash(string endpoint) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(endpoint)));

    private static Dictionary<string, AttributeValue> Key(string partition, string key) => new() { ["user"] = S(partition), ["key"] = S(key) };

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static DateTimeOffset Time(AttributeValue value) => new(long.Parse(value.N, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture), TimeSpan.Zero);
}
