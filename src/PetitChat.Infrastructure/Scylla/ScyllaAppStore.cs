using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Amazon.DynamoDBv2.Model;
using PetitChat.Infrastructure.Apps;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Apps, incoming webhooks and app deliveries in the Scylla store's cluster, through its client,
/// in one table (<c>apps</c>, keys <c>pk</c>/<c>sk</c>) created at start-up with the others.
/// Each record is one JSON document in <c>body</c>. Items (docs/scylla.md):
/// apps under <c>pk = "apps"</c>, <c>sk</c> = app id; a webhook under <c>pk = "hook#" + id</c>,
/// with a copy under <c>pk = "chat#" + chat id</c>, <c>sk = "hook#" + id</c> that lists a chat's
/// webhooks; deliveries under <c>pk = "deliveries#" + app id</c>, <c>sk</c> = delivery id (UUIDv7
/// text, so key order is time order), with <c>status</c> beside the body for filtering.
/// Split by port: ScyllaAppStore.Apps.cs, .Webhooks.cs, .Deliveries.cs.
/// </summary>
public sealed partial class ScyllaAppStore(ScyllaChatStore store)
{
    private readonly ScyllaChatStore _store = store;
    private readonly AlternatorClient _client = store.Client;
    private readonly string _table = store.Tables.Apps;

    private async Task PutAsync(string pk, string sk, string body, CancellationToken ct, params (string Name, string Value)[] extra)
    {
        var item = Key(pk, sk);
        item["body"] = new AttributeValue { S = body };
        foreach (var (name, value) in extra)
        {
            item[name] = new AttributeValue { S = value };
        }

        await _client.RunAsync((db, token) => db.PutItemAsync(new PutItemRequest { TableName = _table, Item = item }, token), idempotent: true, ct);
    }

    private async Task<string?> GetBodyAsync(string pk, string sk, CancellationToken ct)
    {
        var response = await _client.RunAsync((db, token) => db.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = Key(pk, sk),
            ConsistentRead = true,
        }, token), idempotent: true, ct);
        return response.IsItemSet && response.Item is { Count: > 0 } item ? item["body"].S : null;
    }

    /// <summary>Deletes the item; true when it was there. Not retried on an unknown outcome, since the answer depends on it.</summary>
    private async Task<bool> DeleteAsync(string pk, string sk, CancellationToken ct)
    {
        var removed = await _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _table,
            Key = Key(pk, sk),
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
        }, token), idempotent: false, ct);
        return removed.Attributes is { Count: > 0 };
    }

    /// <summary>
    /// The bodies of a partition's items in key order (descending when asked), those that
    /// <paramref name="filter"/> keeps, at most <paramref name="max"/>, starting below <paramref name="below"/>.
    /// </summary>
    private async Task<List<string>> QueryBodiesAsync(
        string pk, int max, bool descending, CancellationToken ct, string? below = null, (string Attribute, string Value)? filter = null)
    {
        var request = new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = below is null ? "pk = :pk" : "pk = :pk AND sk < :below",
            ExpressionAttributeValues = new() { [":pk"] = new AttributeValue { S = pk } },
            ScanIndexForward = !descending,
            ConsistentRead = true,
            Limit = Math.Max(max, 1),
        };
        if (below is not null)
        {
            request.ExpressionAttributeValues[":below"] = new AttributeValue { S = below };
        }

        if (filter is { } f)
        {
            request.FilterExpression = "#f = :f";
            request.ExpressionAttributeNames = new() { ["#f"] = f.Attribute };
            request.ExpressionAttributeValues[":f"] = new AttributeValue { S = f.Value };
        }

        var bodies = new List<string>();
        while (bodies.Count < max)
        {
            var response = await _client.RunAsync((db, token) => db.QueryAsync(request, token), idempotent: true, ct);
            foreach (var item in response.Items ?? [])
            {
                if (bodies.Count < max)
                {
                    bodies.Add(item["body"].S);
                }
            }

            if (response.LastEvaluatedKey is not { Count: > 0 } next)
            {
                break;
            }

            request.ExclusiveStartKey = next;
        }

        return bodies;
    }

    private static Dictionary<string, AttributeValue> Key(string pk, string sk) =>
        new() { ["pk"] = new AttributeValue { S = pk }, ["sk"] = new AttributeValue { S = sk } };

    private static string Write<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.Serialize(value, type);

    private static T Read<T>(string json, JsonTypeInfo<T> type) =>
        JsonSerializer.Deserialize(json, type) ?? throw new InvalidOperationException("A stored item holds null.");
}
