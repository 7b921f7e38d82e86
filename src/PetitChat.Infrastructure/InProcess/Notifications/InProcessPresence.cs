using System.Collections.Concurrent;
using PetitChat.Core.Notifications;
using PetitChat.Core.Presence;

namespace PetitChat.Infrastructure.InProcess.Notifications;

/// <summary>The embedded presence: a count of open streams per user in this process.</summary>
public sealed class InProcessPresence : IPresence
{
    private readonly ConcurrentDictionary<Guid, int> _streams = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _active = new();
    private readonly ConcurrentDictionary<Guid, DateTimeOffset> _closed = new();

    public Task<IAsyncDisposable> ConnectAsync(Guid userId, CancellationToken ct)
    {
        _streams.AddOrUpdate(userId, 1, static (_, n) => n + 1);
        return Task.FromResult<IAsyncDisposable>(new Lease(this, userId));
    }

    public Task<bool> IsConnectedAsync(Guid userId, CancellationToken ct) =>
        Task.FromResult(_streams.TryGetValue(userId, out var n) && n > 0);

    public Task TouchAsync(Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        _active.AddOrUpdate(userId, at, (_, known) => at > known ? at : known);
        return Task.CompletedTask;
    }

    public Task ClosedAsync(Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        _closed.AddOrUpdate(userId, at, (_, known) => at > known ? at : known);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<Guid, UserActivity>> GetActivityAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var found = new Dictionary<Guid, UserActivity>(userIds.Count);
        foreach (var userId in userIds)
        {
            found[userId] = new UserActivity(
                _streams.TryGetValue(userId, out var n) && n > 0,
                _active.TryGetValue(userId, out var at) ? at : null)
            {
                ClosedAt = _closed.TryGetValue(userId, out var closed) ? closed : null,
            };
        }

        return Task.FromResult<IReadOnlyDictionary<Guid, UserActivity>>(found);
    }

    /// <summary>One process: no other node can die and leave connections behind.</summary>
    public Task<IReadOnlyList<Guid>> ReapAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<Guid>>([]);

    private void Disconnect(Guid userId)
    {
        if (_streams.AddOrUpdate(userId, 0, static (_, n) => n - 1) <= 0)
        {
            _streams.TryRemove(new KeyValuePair<Guid, int>(userId, 0));
        }
    }

    private sealed class Lease(InProcessPresence presence, Guid userId) : IAsyncDisposable
    {
        private int _disposed;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                presence.Disconnect(userId);
            }

            return ValueTask.CompletedTask;
        }
    }
}
