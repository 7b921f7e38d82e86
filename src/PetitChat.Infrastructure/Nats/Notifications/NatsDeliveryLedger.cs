using Microsoft.Extensions.Options;
using NATS.Client.KeyValueStore;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>The ledger every worker shares: a JetStream key-value bucket whose keys expire after <see cref="NatsNotificationOptions.LedgerRetention"/>.</summary>
public sealed class NatsDeliveryLedger(NotificationNatsConnection nats, IOptions<NatsNotificationOptions> options) : IDeliveryLedger
{
    private static readonly byte[] Mark = [1];
    private readonly NatsNotificationOptions _options = options.Value;
    private INatsKVStore? _bucket;

    public async Task EnsureAsync(CancellationToken ct) =>
        _bucket = await nats.KeyValue.CreateOrUpdateStoreAsync(new NatsKVConfig(_options.LedgerBucket)
        {
            Description = "Petit chat: delivered notification jobs, for idempotency.",
            MaxAge = _options.LedgerRetention,
            NumberOfReplicas = _options.Replicas,
            Storage = NatsKVStorageType.File,
        }, ct);

    public async Task<bool> ContainsAsync(string key, CancellationToken ct)
    {
        var bucket = await BucketAsync(ct);
        var entry = await bucket.TryGetEntryAsync<byte[]>(key, cancellationToken: ct);
        return entry.Success;
    }

    public async Task AddAsync(string key, CancellationToken ct)
    {
        var bucket = await BucketAsync(ct);
        await bucket.PutAsync(key, Mark, cancellationToken: ct);
    }

    private async ValueTask<INatsKVStore> BucketAsync(CancellationToken ct)
    {
        if (_bucket is null)
        {
            await EnsureAsync(ct);
        }

        return _bucket!;
    }
}
