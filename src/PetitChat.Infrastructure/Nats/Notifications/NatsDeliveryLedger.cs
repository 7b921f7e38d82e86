using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.KeyValueStore;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// The ledger every worker shares: a JetStream key-value bucket whose keys expire after
/// <see cref="NatsNotificationOptions.LedgerRetention"/>. A call that finds the bucket gone (a
/// NATS whose store was wiped) creates it again and runs once more (<see cref="NatsRecreation"/>).
/// </summary>
public sealed partial class NatsDeliveryLedger(
    NotificationNatsConnection nats, IOptions<NatsNotificationOptions> options, ILogger<NatsDeliveryLedger> logger) : IDeliveryLedger, IDisposable
{
    private const int MaxTries = 10;
    private static readonly byte[] Mark = [1];
    private readonly NatsNotificationOptions _options = options.Value;
    private readonly NatsRecreation _recreation = new();
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
        await BucketAsync(ct);
        var entry = await KeepAsync(c => _bucket!.TryGetEntryAsync<byte[]>(key, cancellationToken: c), ct);
        return entry.Success;
    }

    public async Task AddAsync(string key, CancellationToken ct)
    {
        await BucketAsync(ct);
        await KeepAsync(c => _bucket!.PutAsync(key, Mark, cancellationToken: c), ct);
    }

    public async Task<Guid?> GetCoveredAsync(Guid userId, Guid chatId, CancellationToken ct)
    {
        await BucketAsync(ct);
        var entry = await KeepAsync(c => _bucket!.TryGetEntryAsync<string>(CoveredKey(userId, chatId), cancellationToken: c), ct);
        return entry.Success ? PushMarkText.Parse(entry.Value.Value).Covered : null;
    }

    public async Task<PushMark> ChangeMarkAsync(Guid userId, Guid chatId, Func<PushMark, PushMark> change, CancellationToken ct)
    {
        await BucketAsync(ct);
        return await KeepAsync(c => ChangeMarkOnceAsync(_bucket!, userId, chatId, change, c), ct);
    }

    private static async ValueTask<PushMark> ChangeMarkOnceAsync(INatsKVStore bucket, Guid userId, Guid chatId, Func<PushMark, PushMark> change, CancellationToken ct)
    {
        // Compare and set on the entry's revision: a worker that resumes after a pause must neither
        // move the mark back over a newer one nor take a claim another worker took meanwhile.
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

    private ValueTask<T> KeepAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken ct) =>
        _recreation.KeepAsync(call, EnsureAsync, LogRecreating, ct);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The delivery ledger's bucket was not found in NATS (a NATS that came back without its store?); creating it again")]
    private partial void LogRecreating(Exception cause);

    public void Dispose() => _recreation.Dispose();

    private async ValueTask<INatsKVStore> BucketAsync(CancellationToken ct)
    {
        if (_bucket is null)
        {
            await EnsureAsync(ct);
        }

        return _bucket!;
    }
}
