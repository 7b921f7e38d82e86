using System.Buffers.Binary;
using System.Globalization;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Files;
using PetitChat.Core.Storage;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// The chat store on ScyllaDB through Alternator, its DynamoDB-compatible API (also runs on
/// DynamoDB). No transactions and no scans: each method writes its items in an order whose partial
/// result the reads tolerate and a retry repairs, and uses a conditional write or an atomic ADD
/// only where atomicity matters (each is a lightweight transaction on Scylla). docs/scylla.md
/// has the table design and the write order of every method.
/// </summary>
public sealed partial class ScyllaChatStore : IChatStore, IFileCatalog, IDisposable
{
    /// <summary>
    /// One timeline partition per chat and UTC day (of the signal id's UUIDv7 time), as Discord
    /// buckets its messages: no partition grows without bound. Fixed: changing it would hide
    /// stored signals from the new layout.
    /// </summary>
    internal const long BucketMilliseconds = 24 * 60 * 60 * 1000;

    private readonly AlternatorClient _client;
    private readonly ScyllaTables _tables;

    public ScyllaChatStore(ScyllaStoreOptions options, TimeProvider time)
    {
        if (string.IsNullOrWhiteSpace(options.TablePrefix))
        {
            throw new ArgumentException("Store:Scylla:TablePrefix must not be empty.", nameof(options));
        }

        _client = new AlternatorClient(options, time);
        _tables = new ScyllaTables(options.TablePrefix);
    }

    /// <summary>The endpoints in use, with their failure counts.</summary>
    public AlternatorClient Client => _client;

    /// <summary>The table names, for the other adapters that keep their items in this cluster.</summary>
    internal ScyllaTables Tables => _tables;

    /// <summary>Creates the missing tables (idempotent, safe from several nodes at once).</summary>
    public Task InitializeAsync(CancellationToken ct) => _tables.CreateMissingAsync(_client, ct);

    public void Dispose() => _client.Dispose();

    private Task<T> ReadAsync<T>(Func<Amazon.DynamoDBv2.IAmazonDynamoDB, CancellationToken, Task<T>> call, CancellationToken ct) =>
        _client.RunAsync(call, idempotent: true, ct);

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string table, Dictionary<string, AttributeValue> key, CancellationToken ct)
    {
        var response = await ReadAsync((db, token) => db.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = key,
            ConsistentRead = true,
        }, token), ct);
        return response.IsItemSet && response.Item is { Count: > 0 } item ? item : null;
    }

    /// <summary>A put; false when its condition failed.</summary>
    private async Task<bool> TryPutAsync(PutItemRequest request, bool idempotent, CancellationToken ct)
    {
        try
        {
            await _client.RunAsync((db, token) => db.PutItemAsync(request, token), idempotent, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>An update; null when its condition failed.</summary>
    private async Task<UpdateItemResponse?> TryUpdateAsync(UpdateItemRequest request, bool idempotent, CancellationToken ct)
    {
        try
        {
            return await _client.RunAsync((db, token) => db.UpdateItemAsync(request, token), idempotent, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    /// <summary>A delete; null when its condition failed, else the deleted item (empty when there was none).</summary>
    private async Task<Dictionary<string, AttributeValue>?> TryDeleteAsync(DeleteItemRequest request, bool idempotent, CancellationToken ct)
    {
        request.ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD;
        try
        {
            var response = await _client.RunAsync((db, token) => db.DeleteItemAsync(request, token), idempotent, ct);
            return response.Attributes ?? [];
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Items of a query, following the engine's pages until <paramref name="max"/> items (or all
    /// of them). <paramref name="request"/>'s Limit sizes each page.
    /// </summary>
    private async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(QueryRequest request, int max, CancellationToken ct)
    {
        request.ConsistentRead = true;
        var items = new List<Dictionary<string, AttributeValue>>();
        while (true)
        {
            if (max - items.Count < (request.Limit ?? int.MaxValue))
            {
                request.Limit = max - items.Count;
            }

            var response = await ReadAsync((db, token) => db.QueryAsync(request, token), ct);
            if (response.Items is { } page)
            {
                items.AddRange(page);
            }

            if (items.Count >= max || response.LastEvaluatedKey is not { Count: > 0 } next)
            {
                return items;
            }

            request.ExclusiveStartKey = next;
        }
    }

    /// <summary>
    /// The items of the given keys that exist, in no particular order (100 keys per request, the
    /// requests of one call sent together so that many keys cost one round of requests). The keys
    /// must be distinct: the engine refuses a request that names one twice. With
    /// a <paramref name="projection"/>, only those attributes (names as <c>#name</c> placeholders in <paramref name="names"/>).
    /// </summary>
    private async Task<List<Dictionary<string, AttributeValue>>> BatchGetAsync(
        string table, IEnumerable<Dictionary<string, AttributeValue>> keys, CancellationToken ct,
        string? projection = null, Dictionary<string, string>? names = null)
    {
        var chunks = await Task.WhenAll(keys.Chunk(100).Select(chunk => BatchGetChunkAsync(table, chunk, projection, names, ct)));
        return chunks.Length == 1 ? chunks[0] : [.. chunks.SelectMany(items => items)];
    }

    private async Task<List<Dictionary<string, AttributeValue>>> BatchGetChunkAsync(
        string table, Dictionary<string, AttributeValue>[] chunk, string? projection, Dictionary<string, string>? names, CancellationToken ct)
    {
        var found = new List<Dictionary<string, AttributeValue>>();
        var pending = new Dictionary<string, KeysAndAttributes>
        {
            [table] = new() { Keys = [.. chunk], ConsistentRead = true, ProjectionExpression = projection, ExpressionAttributeNames = names },
        };
        for (var round = 0; pending.Count > 0; round++)
        {
            var request = new BatchGetItemRequest { RequestItems = pending };
            var response = await ReadAsync((db, token) => db.BatchGetItemAsync(request, token), ct);
            if (response.Responses?.TryGetValue(table, out var items) == true)
            {
                found.AddRange(items);
            }

            pending = response.UnprocessedKeys is { Count: > 0 } unprocessed ? unprocessed : [];
            if (pending.Count > 0)
            {
                await BackoffAsync(round, ct);
            }
        }

        return found;
    }

    /// <summary>Unconditional puts and deletes, 25 per request; each one is idempotent. Also the app store's (same cluster).</summary>
    internal async Task BatchWriteAsync(string table, IEnumerable<WriteRequest> writes, CancellationToken ct)
    {
        foreach (var chunk in writes.Chunk(25))
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [table] = [.. chunk] };
            for (var round = 0; pending.Count > 0; round++)
            {
                var request = new BatchWriteItemRequest { RequestItems = pending };
                var response = await _client.RunAsync((db, token) => db.BatchWriteItemAsync(request, token), idempotent: true, ct);
                pending = response.UnprocessedItems is { Count: > 0 } unprocessed ? unprocessed : [];
                if (pending.Count > 0)
                {
                    await BackoffAsync(round, ct);
                }
            }
        }
    }

    private static Task BackoffAsync(int round, CancellationToken ct) =>
        Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 20 << Math.Min(round, 6))), ct);

    private static WriteRequest PutRequest(Dictionary<string, AttributeValue> item) => new() { PutRequest = new PutRequest { Item = item } };

    private static WriteRequest DeleteRequest(Dictionary<string, AttributeValue> key) => new() { DeleteRequest = new DeleteRequest { Key = key } };

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue S(Guid value) => new() { S = value.ToString("D") };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static AttributeValue N(DateTimeOffset value) => N(value.UtcTicks);

    private static string? StringOf(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    private static string RequiredString(Dictionary<string, AttributeValue> item, string name) =>
        StringOf(item, name) ?? throw new InvalidOperationException($"Attribute '{name}' is missing from a stored item.");

    private static Guid GuidOf(Dictionary<string, AttributeValue> item, string name) => Guid.ParseExact(RequiredString(item, name), "D");

    private static Guid? NullableGuidOf(Dictionary<string, AttributeValue> item, string name) =>
        StringOf(item, name) is { } text ? Guid.ParseExact(text, "D") : null;

    private static long? LongOf(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.N is { } n ? long.Parse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture) : null;

    private static DateTimeOffset TimeOf(Dictionary<string, AttributeValue> item, string name) =>
        new(LongOf(item, name) ?? throw new InvalidOperationException($"Attribute '{name}' is missing from a stored item."), TimeSpan.Zero);

    private static DateTimeOffset? NullableTimeOf(Dictionary<string, AttributeValue> item, string name) =>
        LongOf(item, name) is { } ticks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Milliseconds in the first 48 bits of any Guid: a UUIDv7's time, and the bucket order of every id.</summary>
    private static long MillisecondsOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return BinaryPrimitives.ReadInt64BigEndian(bytes) >>> 16;
    }

    private static long BucketOf(Guid signalId) => MillisecondsOf(signalId) / BucketMilliseconds;

    private static string PartOf(Guid chatId, long bucket) => $"{chatId:D}#{bucket.ToString(CultureInfo.InvariantCulture)}";
}
