using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Apps;
using PetitChat.Core.Common;
using PetitChat.Infrastructure.Apps;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaAppStore : IAppDeliveryStore
{
    public Task SaveDeliveryAsync(AppDelivery delivery, CancellationToken ct) =>
        PutAsync(DeliveriesPartition(delivery.AppId), delivery.Id.ToString("D"), Write(delivery, AppsJsonContext.Default.AppDelivery), ct,
            ("status", StatusText(delivery.Status)));

    /// <summary>Unconditional puts, 25 per BatchWriteItem (each is idempotent, so unprocessed ones are sent again).</summary>
    public Task SaveDeliveriesAsync(IReadOnlyCollection<AppDelivery> deliveries, CancellationToken ct) =>
        _store.BatchWriteAsync(_table, deliveries.Select(d =>
        {
            var item = Key(DeliveriesPartition(d.AppId), d.Id.ToString("D"));
            item["body"] = new AttributeValue { S = Write(d, AppsJsonContext.Default.AppDelivery) };
            item["status"] = new AttributeValue { S = StatusText(d.Status) };
            return new WriteRequest { PutRequest = new PutRequest { Item = item } };
        }), ct);

    public async Task<AppDelivery?> GetDeliveryAsync(Guid appId, Guid deliveryId, CancellationToken ct) =>
        await GetBodyAsync(DeliveriesPartition(appId), deliveryId.ToString("D"), ct) is { } body ? Read(body, AppsJsonContext.Default.AppDelivery) : null;

    public async Task<IReadOnlyList<AppDelivery>> ListDeliveriesAsync(Guid appId, AppDeliveryStatus? status, Guid? before, int max, CancellationToken ct) =>
        [.. (await QueryBodiesAsync(DeliveriesPartition(appId), max, descending: true, ct, before?.ToString("D"),
                status is { } s ? ("status", StatusText(s)) : null))
            .Select(b => Read(b, AppsJsonContext.Default.AppDelivery))];

    public async Task<int> RemoveDeliveriesAsync(Guid appId, AppDeliveryStatus status, DateTimeOffset createdBefore, int max, CancellationToken ct)
    {
        // Oldest first below the bound; each delete is on its own key, so another node sweeping
        // the same rows at the same time only finds them gone.
        var partition = DeliveriesPartition(appId);
        var old = await QueryBodiesAsync(partition, max, descending: false, ct, Ids.FirstAt(createdBefore).ToString("D"), ("status", StatusText(status)));
        var removed = 0;
        foreach (var body in old)
        {
            if (await DeleteAsync(partition, Read(body, AppsJsonContext.Default.AppDelivery).Id.ToString("D"), ct))
            {
                removed++;
            }
        }

        return removed;
    }

    private static string DeliveriesPartition(Guid appId) => "deliveries#" + appId.ToString("D");

    private static string StatusText(AppDeliveryStatus status) => status.ToString().ToLowerInvariant();
}
