using Microsoft.Extensions.Options;
using NATS.Client.KeyValueStore;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>The ledger every worker shares: a JetStream key-value bucket whose keys expire after <see cref="NatsNotificationOptions.LedgerRetention"/>.</summary>
public sealed class NatsDeliveryLedger(NotificationNatsConnection nats, IOptions<NatsNotificationOptions> options) : IDeliveryLedger
{
    private const int MaxTries = 10;
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

    public async Task<Guid?> GetCoveredAsync(Guid userId, Guid chatId, CancellationToken ct)
    {
        var bucket = await BucketAsync(ct);
        var entry = await bucket.TryGetEntryAsync<string>(CoveredKey(userId, chatId), cancellationToken: ct);
        return entry.Success ? PushMarkText.Parse(entry.Value.Value).Covered : null;
    }

    public async Task<PushMark> ChangeMarkAsync(Guid userId, Guid chatId, Func<PushMark, PushMark> change, CancellationToken ct)
    {
        // Compare and set on the entry's revision: a worker that resumes after a pause must neither
        // move the mark back over a newer one nor take a claim another worker took meanwhile.
        var bucket = await BucketAsync(ct);
        var key = CoveredKey(userId, chatId);
        for (var attempt = 0; attempt < MaxTries; attempt++)
        {
            var current = await bucket.TryGetEntryAsync<string>(key, cancellationToken: ct);
            var mark = current.Success ? PushMarkText.Parse(current.Value.Value) : PushMark.None;
            var next = change(mark);
            if (next == mark)
            {
                return mark;
            }

            var value = PushMarkText.Format(next);
            var written = current.Success
                ? await bucket.TryUpdateAsync(key, value, current.Value.Revision, cancellationToken: ct)
                : await bucket.TryCreateAsync(key, value, cancellationToken: ct);
            if (written.Success)
            {
                return next;
            }
        }

        throw new InvalidOperationException($"NATS: the push mark {key} changed under {MaxTries} tries in a row.");
    }

    private static string CoveredKey(Guid userId, Guid chatId) => $"covered.{userId:N}.{chatId:N}";

    private async ValueTask<INatsKVStore> BucketAsync(CancellationToken ct)
    {
        if (_bucket is null)
        {
            await EnsureAsync(ct);
        }

        return _bucket!;
    }
}
