using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using NATS.Client.KeyValueStore;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// Presence shared by every node and worker: a key-value bucket with one key per (user, node)
/// while that node has a stream of the user open. Keys expire after
/// <see cref="NatsNotificationOptions.PresenceExpiry"/> unless refreshed, which each node does every
/// third of it, so a node that dies stops counting within that time.
/// </summary>
public sealed class NatsPresence(NotificationNatsConnection nats, IOptions<NatsNotificationOptions> options) : IPresence, IDisposable
{
    private static readonly byte[] Open = [1];
    private readonly NatsNotificationOptions _options = options.Value;
    private readonly string _node = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<Guid, int> _local = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private INatsKVStore? _bucket;

    public async Task EnsureAsync(CancellationToken ct) =>
        _bucket = await nats.KeyValue.CreateOrUpdateStoreAsync(new NatsKVConfig(_options.PresenceBucket)
        {
            Description = "Petit chat: users with a live stream open, a key per (user, node).",
            MaxAge = _options.PresenceExpiry,
            NumberOfReplicas = _options.Replicas,
            Storage = NatsKVStorageType.Memory,
        }, ct);

    public async Task<IAsyncDisposable> ConnectAsync(Guid userId, CancellationToken ct)
    {
        var bucket = await BucketAsync(ct);
        await _writes.WaitAsync(ct);
        try
        {
            if (_local.AddOrUpdate(userId, 1, static (_, n) => n + 1) == 1)
            {
                await bucket.PutAsync(KeyOf(userId), Open, cancellationToken: ct);
            }
        }
        finally
        {
            _writes.Release();
        }

        return new Lease(this, userId);
    }

    public async Task<bool> IsConnectedAsync(Guid userId, CancellationToken ct)
    {
        var bucket = await BucketAsync(ct);
        await foreach (var _ in bucket.GetKeysAsync([$"{userId:N}.*"], cancellationToken: ct))
        {
            return true;
        }

        return false;
    }

    /// <summary>Puts this node's keys again until cancelled, so they outlive the bucket's expiry while streams stay open.</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var bucket = await BucketAsync(ct);
        using var timer = new PeriodicTimer(_options.PresenceExpiry / 3);
        while (await timer.WaitForNextTickAsync(ct))
        {
            foreach (var (userId, count) in _local)
            {
                if (count > 0)
                {
                    await bucket.PutAsync(KeyOf(userId), Open, cancellationToken: ct);
                }
            }
        }
    }

    private async Task DisconnectAsync(Guid userId)
    {
        var bucket = await BucketAsync(CancellationToken.None);
        await _writes.WaitAsync();
        try
        {
            if (_local.AddOrUpdate(userId, 0, static (_, n) => n - 1) <= 0)
            {
                _local.TryRemove(new KeyValuePair<Guid, int>(userId, 0));
                await bucket.DeleteAsync(KeyOf(userId));
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    public void Dispose() => _writes.Dispose();

    private string KeyOf(Guid userId) => $"{userId:N}.{_node}";

    private async ValueTask<INatsKVStore> BucketAsync(CancellationToken ct)
    {
        if (_bucket is null)
        {
            await EnsureAsync(ct);
        }

        return _bucket!;
    }

    private sealed class Lease(NatsPresence presence, Guid userId) : IAsyncDisposable
    {
        private int _disposed;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                await presence.DisconnectAsync(userId);
            }
        }
    }
}
