using System.Globalization;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.E2ee;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Devices and to-device messages in the Scylla store's cluster, through its client, in two
/// tables created at start-up with the others: <c>e2ee_devices</c> (partition: user, sort: device
/// id) and <c>e2ee_device_messages</c> (partition: user#device, sort: message id, UUIDv7, so a
/// device's pending messages are one ascending key range). docs/scylla.md lists them.
/// </summary>
public sealed partial class ScyllaDeviceStore(ScyllaChatStore store) : IDeviceStore, IDeviceMessageStore
{
    private readonly AlternatorClient _client = store.Client;
    private readonly string _devices = store.Tables.Devices;
    private readonly string _messages = store.Tables.DeviceMessages;

    public async Task<(Device Device, bool Created)> AddAsync(Device device, CancellationToken ct)
    {
        try
        {
            // The one conditional write here: of two first puts of a device id, one creates it.
            await _client.RunAsync((db, token) => db.PutItemAsync(new PutItemRequest
            {
                TableName = _devices,
                Item = new(DeviceKey(device.UserId, device.DeviceId))
                {
                    ["name"] = S(device.Name),
                    ["ix"] = S(device.IdentityKey.X),
                    ["iy"] = S(device.IdentityKey.Y),
                    ["ax"] = S(device.AgreementKey.X),
                    ["ay"] = S(device.AgreementKey.Y),
                    ["sig"] = S(device.Signature),
                    ["at"] = N(device.CreatedAt.UtcTicks),
                },
                ConditionExpression = "attribute_not_exists(device)",
            }, token), idempotent: true, ct);
            return (device, true);
        }
        catch (ConditionalCheckFailedException)
        {
            return (await GetAsync(device.UserId, device.DeviceId, ct) ?? throw new InvalidOperationException("A device vanished while being added."), false);
        }
    }

    public async Task<bool> RenameAsync(Guid userId, string deviceId, string name, CancellationToken ct)
    {
        try
        {
            await _client.RunAsync((db, token) => db.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _devices,
                Key = DeviceKey(userId, deviceId),
                UpdateExpression = "SET #n = :name",
                ConditionExpression = "attribute_exists(device)",
                ExpressionAttributeNames = new() { ["#n"] = "name" },
                ExpressionAttributeValues = new() { [":name"] = S(name) },
            }, token), idempotent: true, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<Device?> GetAsync(Guid userId, string deviceId, CancellationToken ct)
    {
        var found = await _client.RunAsync((db, token) => db.GetItemAsync(new GetItemRequest
        {
            TableName = _devices,
            Key = DeviceKey(userId, deviceId),
            ConsistentRead = true,
        }, token), idempotent: true, ct);
        return found.IsItemSet && found.Item.Count > 0 ? ReadDevice(found.Item) : null;
    }

    public async Task<IReadOnlyList<Device>> ListAsync(Guid userId, CancellationToken ct)
    {
        var devices = new List<Device>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await _client.RunAsync((db, token) => db.QueryAsync(new QueryRequest
            {
                TableName = _devices,
                KeyConditionExpression = "#u = :u",
                ExpressionAttributeNames = new() { ["#u"] = "user" },
                ExpressionAttributeValues = new() { [":u"] = S(userId.ToString("D")) },
                ExclusiveStartKey = start,
                ConsistentRead = true,
            }, token), idempotent: true, ct);
            devices.AddRange(page.Items.Select(ReadDevice));
            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);

        return [.. devices.OrderBy(d => d.CreatedAt).ThenBy(d => d.DeviceId, StringComparer.Ordinal)];
    }

    public async Task<bool> DeleteAsync(Guid userId, string deviceId, CancellationToken ct)
    {
        var deleted = await _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _devices,
            Key = DeviceKey(userId, deviceId),
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
        }, token), idempotent: true, ct);
        return deleted.Attributes is { Count: > 0 };
    }

    private static Dictionary<string, AttributeValue> DeviceKey(Guid userId, string deviceId) =>
        new() { ["user"] = S(userId.ToString("D")), ["device"] = S(deviceId) };

    private static Device ReadDevice(Dictionary<string, AttributeValue> item) => new(
        Guid.ParseExact(item["user"].S, "D"),
        item["device"].S,
        item["name"].S,
        new EcPublicKey(item["ix"].S, item["iy"].S),
        new EcPublicKey(item["ax"].S, item["ay"].S),
        item["sig"].S,
        new DateTimeOffset(long.Parse(item["at"].N, CultureInfo.InvariantCulture), TimeSpan.Zero));

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
