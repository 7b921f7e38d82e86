using System.Collections.Concurrent;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.InProcess.Notifications;

/// <summary>The embedded presence: a count of open streams per user in this process.</summary>
public sealed class InProcessPresence : IPresence
{
    private readonly ConcurrentDictionary<Guid, int> _streams = new();

    public Task<IAsyncDisposable> ConnectAsync(Guid userId, CancellationToken ct)
    {
        _streams.AddOrUpdate(userId, 1, static (_, n) => n + 1);
        return Task.FromResult<IAsyncDisposable>(new Lease(this, userId));
    }

    public Task<bool> IsConnectedAsync(Guid userId, CancellationToken ct) =>
        Task.FromResult(_streams.TryGetValue(userId, out var n) && n > 0);

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
