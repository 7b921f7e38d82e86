using Microsoft.Extensions.Caching.Memory;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.InProcess.Notifications;

/// <summary>The embedded ledger: the keys of the last day, in this process's memory (one worker, so enough).</summary>
public sealed class InMemoryDeliveryLedger : IDeliveryLedger, IDisposable
{
    private readonly MemoryCache _keys = new(new MemoryCacheOptions { SizeLimit = 1_000_000 });

    public Task<bool> ContainsAsync(string key, CancellationToken ct) => Task.FromResult(_keys.TryGetValue(key, out _));

    public Task AddAsync(string key, CancellationToken ct)
    {
        _keys.Set(key, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromDays(1) });
        return Task.CompletedTask;
    }

    public void Dispose() => _keys.Dispose();
}
