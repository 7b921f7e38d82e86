using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.KeyValueStore;
using PetitChat.Core.Notifications;
using PetitChat.Core.Presence;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// Presence shared by every node and worker: a key-value bucket with one key per (user, node)
/// while that node has a stream of the user open. Keys expire after
/// <see cref="NatsNotificationOptions.PresenceExpiry"/> unless refreshed, which each node does every
/// third of it, so a node that dies stops counting within that time. Each node also keeps a key in
/// <see cref="NatsNotificationOptions.NodeBucket"/>, which expires sooner: the node with the
/// smallest live key removes the connections of nodes whose key is gone (<see cref="ReapAsync"/>).
/// Last activity is one key per user in <see cref="NatsNotificationOptions.ActivityBucket"/>, and
/// when a stream of theirs last closed another (<c>closed.&lt;user&gt;</c>), where the offline grace starts.
/// The connection and node buckets live in memory: a NATS server that restarts alone comes back
/// without them. The first call that finds a bucket gone creates the buckets again, puts this node's
/// keys back and runs once more (<see cref="NatsRecreation"/>, <see cref="RecreateAsync"/>); and every node puts its keys back when
/// its connection opens again (<see cref="RestoreAsync"/>), as another node may have made the
/// buckets again before any call of this one failed.
/// </summary>
public sealed partial class NatsPresence(
    NotificationNatsConnection nats, IOptions<NatsNotificationOptions> options, ILogger<NatsPresence> logger) : IPresence, IDisposable
{
    private static readonly byte[] Open = [1];

    /// <summary>Activity is written at most this often per user by one node: "last seen" needs no finer grain.</summary>
    private static readonly TimeSpan TouchGrain = TimeSpan.FromSeconds(10);

    private const int MaxHints = 100_000;

    private readonly NatsNotificationOptions _options = options.Value;
    private readonly string _node = Guid.NewGuid().ToString("N");
    private readonly ConcurrentDictionary<Guid, int> _local = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _touched = new();

    /// <summary>Per user, the connection key last found (see <see cref="IsConnectedAsync"/>), at most <see cref="MaxHints"/>.</summary>
    private readonly ConcurrentDictionary<Guid, string> _found = new();
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly NatsRecreation _recreation = new();
    private readonly NatsPresenceView _view = new(options.Value.PresenceExpiry);
    private readonly CancellationTokenSource _life = new();

    /// <summary>The current round of the view's watch, cancelled to start it over (a reconnect).</summary>
    private CancellationTokenSource? _viewRound;
    private int _viewStarted;
    private int _disposed;
    private INatsKVStore? _bucket;
    private INatsKVStore? _nodes;
    private INatsKVStore? _activity;

    /// <summary>Set once this node holds streams or reaps: only such nodes keep a key in the node bucket (workers do neither).</summary>
    private volatile bool _registered;
    private int _watching;

    public async Task EnsureAsync(CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _watching, 1) == 0)
        {
            nats.Connection.ConnectionOpened += OnReopened;
        }

        _nodes = await nats.KeyValue.CreateOrUpdateStoreAsync(new NatsKVConfig(_options.NodeBucket)
        {
            Description = "Petit chat: live nodes, a key per node.",
            MaxAge = _options.NodeExpiry,
            NumberOfReplicas = _options.Replicas,
            Storage = NatsKVStorageType.Memory,
        }, ct);
        _activity = await nats.KeyValue.CreateOrUpdateStoreAsync(new NatsKVConfig(_options.ActivityBucket)
        {
            Description = "Petit chat: each user's last activity (last seen).",
            MaxAge = _options.ActivityRetention,
            NumberOfReplicas = _options.Replicas,
            Storage = NatsKVStorageType.File,
        }, ct);
        _bucket = await nats.KeyValue.CreateOrUpdateStoreAsync(new NatsKVConfig(_options.PresenceBucket)
        {
            Description = "Petit chat: users with a live stream open, a key per (user, node).",
            MaxAge = _options.PresenceExpiry,
            NumberOfReplicas = _options.Replicas,
            Storage = NatsKVStorageType.Memory,
        }, ct);
    }

    public async Task<IAsyncDisposable> ConnectAsync(Guid userId, CancellationToken ct)
    {
        await BucketAsync(ct);
        await RegisterAsync(ct);
        await _writes.WaitAsync(ct);
        try
        {
            if (_local.AddOrUpdate(userId, 1, static (_, n) => n + 1) == 1)
            {
                var key = KeyOf(userId);
                await KeepAsync(c => _bucket!.PutAsync(key, Open, cancellationToken: c), ct);
            }
        }
        finally
        {
            _writes.Release();
        }

        return new Lease(this, userId);
    }

    /// <summary>
    /// No read at all when the user has a stream open on this node (a node that runs its own worker
    /// answers for its own users from memory). Otherwise one read of the key this process last found
    /// for the user (a connection is usually long-lived,
    /// and a busy chat asks about the same recipients again and again), else a listing of the user's keys.
    /// Both read the bucket now, so a connection or a close on another node is seen at once; the hint
    /// only saves the listing, which costs the server a consumer, when the user is still connected there.
    /// </summary>
    public async Task<bool> IsConnectedAsync(Guid userId, CancellationToken ct)
    {
        if (IsHere(userId))
        {
            // A stream of the user is open on this node: its key is in the bucket, no read needed.
            return true;
        }

        await BucketAsync(ct);
        return await KeepAsync(c => FindConnectionAsync(userId, c), ct);
    }

    /// <summary>
    /// The fans' screen (decision 24): whether the user seems to have a stream open, from this
    /// node's own streams and then from a watched copy of the bucket (<see cref="NatsPresenceView"/>)
    /// rather than a read per recipient. It trails the bucket by milliseconds: a recipient who closed
    /// that moment is not pushed a message they had ten seconds to see, and one who just connected
    /// gets a job whose worker reads the bucket itself. Until the watch has caught up, it reads.
    /// </summary>
    public async Task<bool> SeemsConnectedAsync(Guid userId, CancellationToken ct)
    {
        if (Volatile.Read(ref _viewStarted) == 0 && Interlocked.Exchange(ref _viewStarted, 1) == 0)
        {
            _ = Task.Run(() => WatchAsync(_life.Token), CancellationToken.None);
        }

        return _view.Ready ? IsHere(userId) || _view.IsConnected(userId) : await IsConnectedAsync(userId, ct);
    }

    private bool IsHere(Guid userId) => _local.TryGetValue(userId, out var here) && here > 0;

    /// <summary>Whether the fans' screen answers from its watched copy now (for tests).</summary>
    internal bool ViewReady => _view.Ready;

    /// <summary>Keeps <see cref="_view"/>: a watch of the connection bucket, started over after a reconnect or a failure.</summary>
    private async Task WatchAsync(CancellationToken life)
    {
        var opts = new NatsKVWatchOpts
        {
            MetaOnly = true,
            OnNoData = _ =>
            {
                _view.MarkReady();
                return ValueTask.FromResult(false);
            },
        };
        while (!life.IsCancellationRequested)
        {
            using var round = CancellationTokenSource.CreateLinkedTokenSource(life);
            Volatile.Write(ref _viewRound, round);
            try
            {
                var bucket = await BucketAsync(round.Token);
                await foreach (var entry in bucket.WatchAsync<byte[]>(opts: opts, cancellationToken: round.Token))
                {
                    _view.Apply(entry.Key, entry.Operation);
                    if (entry.Delta == 0)
                    {
                        _view.MarkReady();
                    }
                }
            }
            catch (OperationCanceledException) when (life.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // A reconnect: watch again from the bucket's current keys.
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogWatchFailed(e);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), life);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                // However the watch ended, its copy is no longer followed: read until one runs again.
                _view.Reset();
            }
        }
    }

    private async ValueTask<bool> FindConnectionAsync(Guid userId, CancellationToken ct)
    {
        if (_found.TryGetValue(userId, out var hint))
        {
            var entry = await _bucket!.TryGetEntryAsync<byte[]>(hint, cancellationToken: ct);
            if (entry.Success)
            {
                return true;
            }

            _found.TryRemove(new KeyValuePair<Guid, string>(userId, hint));
        }

        await foreach (var key in _bucket!.GetKeysAsync([$"{userId:N}.*"], cancellationToken: ct))
        {
            if (_found.Count >= MaxHints)
            {
                _found.Clear();
            }

            _found[userId] = key;
            return true;
        }

        return false;
    }

    public async Task TouchAsync(Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        if (_touched.TryGetValue(userId, out var last) && at - last < TouchGrain)
        {
            return;
        }

        _touched[userId] = at;
        if (_touched.Count > 100_000)
        {
            _touched.Clear();
        }

        await BucketAsync(ct);
        var ticks = Ticks(at);
        await KeepAsync(c => _activity!.PutAsync($"{userId:N}", ticks, cancellationToken: c), ct);
    }

    /// <summary>Every close is written (no grain): the offline grace that reads honour starts at it.</summary>
    public async Task ClosedAsync(Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        await BucketAsync(ct);
        var ticks = Ticks(at);
        await KeepAsync(c => _activity!.PutAsync(ClosedKeyOf(userId), ticks, cancellationToken: c), ct);
    }

    public async Task<IReadOnlyDictionary<Guid, UserActivity>> GetActivityAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        await BucketAsync(ct);
        var found = new Dictionary<Guid, UserActivity>(userIds.Count);
        // Three key-value reads per user (connections, last activity, last close), a batch of users at a time rather than one by one.
        foreach (var batch in userIds.Distinct().Chunk(50))
        {
            var reads = await Task.WhenAll(batch.Select(async userId => (userId, await ActivityOfAsync(userId, ct))));
            foreach (var (userId, activity) in reads)
            {
                found[userId] = activity;
            }
        }

        return found;
    }

    private async Task<UserActivity> ActivityOfAsync(Guid userId, CancellationToken ct)
    {
        var connected = IsConnectedAsync(userId, ct);
        var active = TimeOfAsync($"{userId:N}", ct);
        var closed = TimeOfAsync(ClosedKeyOf(userId), ct);
        // A close is activity too, and written without the grain of TouchAsync: the closer "last seen".
        var (lastActive, lastClosed) = (await active, await closed);
        return new UserActivity(await connected, lastClosed > lastActive || lastActive is null ? lastClosed : lastActive) { ClosedAt = lastClosed };
    }

    private async Task<DateTimeOffset?> TimeOfAsync(string key, CancellationToken ct)
    {
        var entry = await KeepAsync(c => _activity!.TryGetEntryAsync<byte[]>(key, cancellationToken: c), ct);
        return entry.Success && entry.Value.Value is { } bytes
            && long.TryParse(Encoding.ASCII.GetString(bytes), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : null;
    }

    private static byte[] Ticks(DateTimeOffset at) => Encoding.ASCII.GetBytes(at.UtcTicks.ToString(CultureInfo.InvariantCulture));

    private static string ClosedKeyOf(Guid userId) => $"closed.{userId:N}";

    public async Task<IReadOnlyList<Guid>> ReapAsync(CancellationToken ct)
    {
        await BucketAsync(ct);
        // The reaper proves itself alive first: a node that only registered once would expire
        // beside the dead one and find no live node at all.
        _registered = true;
        await KeepAsync(c => _nodes!.PutAsync(_node, Open, cancellationToken: c), ct);
        var live = await KeepAsync(async c =>
        {
            var keys = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var key in _nodes!.GetKeysAsync(cancellationToken: c))
            {
                keys.Add(key);
            }

            return keys;
        }, ct);

        // One reaper at a time: the node with the smallest live key.
        if (live.Count == 0 || live.Min(StringComparer.Ordinal) != _node)
        {
            return [];
        }

        var bucket = _bucket!;
        var byUser = new Dictionary<Guid, (int Live, List<string> Dead)>();
        await foreach (var key in bucket.GetKeysAsync(cancellationToken: ct))
        {
            if (!TryParseKey(key, out var userId, out var node))
            {
                continue;
            }

            var entry = byUser.TryGetValue(userId, out var known) ? known : (0, []);
            if (live.Contains(node))
            {
                entry.Live++;
            }
            else
            {
                entry.Dead.Add(key);
            }

            byUser[userId] = entry;
        }

        var gone = new List<Guid>();
        foreach (var (userId, (liveCount, dead)) in byUser)
        {
            foreach (var key in dead)
            {
                await bucket.DeleteAsync(key, cancellationToken: ct);
            }

            if (dead.Count > 0 && liveCount == 0)
            {
                gone.Add(userId);
            }
        }

        return gone;
    }

    /// <summary>
    /// Puts this node's keys again until cancelled, so they outlive the buckets' expiry while the
    /// node runs and its streams stay open.
    /// </summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        await BucketAsync(ct);
        using var timer = new PeriodicTimer(_options.NodeExpiry / 3);
        var usersRefreshed = DateTimeOffset.UtcNow;
        while (await timer.WaitForNextTickAsync(ct))
        {
            if (_registered)
            {
                await KeepAsync(c => _nodes!.PutAsync(_node, Open, cancellationToken: c), ct);
            }

            if (DateTimeOffset.UtcNow - usersRefreshed < _options.PresenceExpiry / 3)
            {
                continue;
            }

            usersRefreshed = DateTimeOffset.UtcNow;
            await PutLocalKeysAsync(ct);
        }
    }

    private async Task PutLocalKeysAsync(CancellationToken ct)
    {
        foreach (var (userId, count) in _local)
        {
            if (count > 0)
            {
                await _bucket!.PutAsync(KeyOf(userId), Open, cancellationToken: ct);
            }
        }
    }

    private async Task RegisterAsync(CancellationToken ct)
    {
        if (!_registered)
        {
            _registered = true;
            await KeepAsync(c => _nodes!.PutAsync(_node, Open, cancellationToken: c), ct);
        }
    }

    private async Task DisconnectAsync(Guid userId)
    {
        await BucketAsync(CancellationToken.None);
        await _writes.WaitAsync();
        try
        {
            if (_local.AddOrUpdate(userId, 0, static (_, n) => n - 1) <= 0)
            {
                _local.TryRemove(new KeyValuePair<Guid, int>(userId, 0));
                var key = KeyOf(userId);
                await KeepAsync(c => _bucket!.DeleteAsync(key, cancellationToken: c), CancellationToken.None);
            }
        }
        finally
        {
            _writes.Release();
        }
    }

    /// <summary>Runs <paramref name="call"/>, creating the buckets again first if it finds one gone.</summary>
    private ValueTask<T> KeepAsync<T>(Func<CancellationToken, ValueTask<T>> call, CancellationToken ct) =>
        _recreation.KeepAsync(call, RecreateAsync, LogRecreating, ct);

    private ValueTask KeepAsync(Func<CancellationToken, ValueTask> call, CancellationToken ct) =>
        _recreation.KeepAsync(call, RecreateAsync, LogRecreating, ct);

    /// <summary>Creates the buckets again (an update where they exist) and puts back what this node holds.</summary>
    private async Task RecreateAsync(CancellationToken ct)
    {
        await EnsureAsync(ct);
        await PutBackAsync(ct);
    }

    /// <summary>This node's key (once it registered) and a key per user with a stream open here.</summary>
    private async Task PutBackAsync(CancellationToken ct)
    {
        if (_registered)
        {
            await _nodes!.PutAsync(_node, Open, cancellationToken: ct);
        }

        await PutLocalKeysAsync(ct);
    }

    private ValueTask OnReopened(object? sender, NatsEventArgs args)
    {
        // Deletes made while this process was away may be lost with a bucket that came back empty.
        _ = Task.Run(RestartView);
        _ = Task.Run(RestoreAsync);
        return ValueTask.CompletedTask;
    }

    private void RestartView()
    {
        try
        {
            Volatile.Read(ref _viewRound)?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // That round ended on its own, and the next one reads the bucket afresh anyway.
        }
    }

    /// <summary>
    /// Puts this node's keys back after a reconnect, creating the buckets again where they are gone.
    /// Connects and closes wait meanwhile, so a stream closed now does not leave its key behind.
    /// </summary>
    private async Task RestoreAsync()
    {
        if (_bucket is null)
        {
            // The first connection, from EnsureAsync: nothing to put back.
            return;
        }

        try
        {
            await _writes.WaitAsync();
            try
            {
                await KeepAsync(c => new ValueTask(PutBackAsync(c)), CancellationToken.None);
            }
            finally
            {
                _writes.Release();
            }
        }
        catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            LogRestoreFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The watch of the presence bucket failed; the fans read the bucket until it runs again")]
    private partial void LogWatchFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Putting this node's presence keys back after a reconnect to NATS failed; the refresh puts them later")]
    private partial void LogRestoreFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A presence bucket was not found in NATS (a NATS that came back without its memory streams or its store?); creating the buckets again")]
    private partial void LogRecreating(Exception cause);

    public void Dispose()
    {
        // Once: the container disposes it as itself and again as the IPresence it also is.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        nats.Connection.ConnectionOpened -= OnReopened;
        _life.Cancel();
        _life.Dispose();
        _writes.Dispose();
        _recreation.Dispose();
    }

    private string KeyOf(Guid userId) => $"{userId:N}.{_node}";

    /// <summary>A connection key, as <see cref="KeyOf"/> makes it: <c>{user:N}.{node}</c>.</summary>
    internal static bool TryParseKey(string key, out Guid userId, out string node)
    {
        var dot = key.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !Guid.TryParseExact(key.AsSpan(0, dot), "N", out userId))
        {
            (userId, node) = (Guid.Empty, "");
            return false;
        }

        node = key[(dot + 1)..];
        return true;
    }

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
