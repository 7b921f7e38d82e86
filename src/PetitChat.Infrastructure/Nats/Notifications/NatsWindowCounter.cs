using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using PetitChat.Core.Common;
using PetitChat.Core.Events;
using PetitChat.Infrastructure.InProcess;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// <see cref="IWindowCounter"/> shared by every node: one key per (key, window) in a JetStream
/// key-value bucket, raised by compare-and-set on its revision (two nodes raising it at once: one
/// wins, the other reads again and retries). The bucket's MaxAge, twice the longest window,
/// removes the keys of past windows.
/// </summary>
public sealed partial class NatsWindowCounter(
    NotificationNatsConnection nats, IOptions<NatsNotificationOptions> options, TimeProvider time, ILogger<NatsWindowCounter> logger) : IWindowCounter, IDisposable
{
    private const int MaxTries = 20;
    private readonly NatsNotificationOptions _options = options.Value;
    private readonly NatsRecreation _recreation = new();
    private INatsKVStore? _bucket;

    public async Task EnsureAsync(CancellationToken ct) =>
        _bucket = await nats.KeyValue.CreateOrUpdateStoreAsync(new NatsKVConfig(_options.CounterBucket)
        {
            Description = "Petit chat: counts per key and time window, for limits that hold across nodes.",
            MaxAge = IWindowCounter.MaxWindow * 2,
            History = 1,
            NumberOfReplicas = _options.Replicas,
        }, ct);

    public async Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken ct)
    {
        var windowMs = InProcessWindowCounter.WindowMs(window);
        var index = time.GetUtcNow().ToUnixTimeMilliseconds() / windowMs;
        var entryKey = string.Create(CultureInfo.InvariantCulture, $"{key}.{windowMs}.{index}");
        try
        {
            await BucketAsync(ct);
            return await _recreation.KeepAsync(c => IncrementOnceAsync(_bucket!, key, entryKey, c), EnsureAsync, LogRecreating, ct);
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            throw new EventBusUnavailableException($"NATS did not answer for the counter {key}: {e.Message}", e);
        }
    }

    private static async ValueTask<long> IncrementOnceAsync(INatsKVStore bucket, string key, string entryKey, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxTries; attempt++)
        {
            var current = await bucket.TryGetEntryAsync<long>(entryKey, cancellationToken: ct);
            if (!current.Success)
            {
                if ((await bucket.TryCreateAsync(entryKey, 1L, cancellationToken: ct)).Success)
                {
                    return 1;
                }

                continue;
            }

            var next = current.Value.Value + 1;
            if ((await bucket.TryUpdateAsync(entryKey, next, current.Value.Revision, cancellationToken: ct)).Success)
            {
                return next;
            }
        }

        throw new EventBusUnavailableException($"NATS: the counter {key} changed under {MaxTries} tries in a row.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The counters' bucket was not found in NATS (a NATS that came back without its store?); creating it again")]
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
