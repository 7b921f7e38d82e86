using System.Diagnostics;
using NATS.Client.KeyValueStore;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// The connection bucket as this process last heard it from a watch of the bucket, for the fans'
/// screen (decision 24), which asks about every recipient of every message and would otherwise read
/// the bucket once per recipient. Its answers trail the bucket by the watch's delay (milliseconds).
/// A key the watch has not heard put again within the bucket's expiry counts as gone: the bucket
/// drops such a key without telling its watchers. Until the watch has delivered the keys the bucket
/// held when it started (at the first use, and again after each restart) the view is not
/// <see cref="Ready"/>, and callers read the bucket instead.
/// </summary>
internal sealed class NatsPresenceView(TimeSpan expiry)
{
    private readonly Lock _gate = new();

    /// <summary>Per user, the nodes holding a key for them, and when the watch last heard each put (a <see cref="Stopwatch"/> timestamp).</summary>
    private readonly Dictionary<Guid, Dictionary<string, long>> _users = [];

    private volatile bool _ready;

    public bool Ready => _ready;

    /// <summary>Forgets everything: a new watch is about to deliver the bucket's keys again.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _ready = false;
            _users.Clear();
        }
    }

    /// <summary>The watch delivered the keys the bucket held when it started (or there were none).</summary>
    public void MarkReady() => _ready = true;

    /// <summary>One change the watch heard: a put of <c>{user}.{node}</c>, or its delete or purge.</summary>
    public void Apply(string key, NatsKVOperation operation)
    {
        if (!NatsPresence.TryParseKey(key, out var userId, out var node))
        {
            return;
        }

        lock (_gate)
        {
            if (operation == NatsKVOperation.Put)
            {
                if (!_users.TryGetValue(userId, out var nodes))
                {
                    _users[userId] = nodes = new Dictionary<string, long>(StringComparer.Ordinal);
                }

                nodes[node] = Stopwatch.GetTimestamp();
            }
            else if (_users.TryGetValue(userId, out var nodes) && nodes.Remove(node) && nodes.Count == 0)
            {
                _users.Remove(userId);
            }
        }
    }

    /// <summary>Whether a key of the user was put within the bucket's expiry and not deleted since, as far as the watch has told.</summary>
    public bool IsConnected(Guid userId)
    {
        lock (_gate)
        {
            if (!_users.TryGetValue(userId, out var nodes))
            {
                return false;
            }

            foreach (var heard in nodes.Values)
            {
                if (Stopwatch.GetElapsedTime(heard) < expiry)
                {
                    return true;
                }
            }

            // Every key expired in the bucket by now (a node that died without deleting them).
            _users.Remove(userId);
            return false;
        }
    }
}
