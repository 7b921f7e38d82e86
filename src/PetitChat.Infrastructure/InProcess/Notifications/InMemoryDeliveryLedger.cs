using Microsoft.Extensions.Caching.Memory;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.InProcess.Notifications;

/// <summary>The embedded ledger: the keys of the last day, in this process's memory (one worker, so enough).</summary>
public sealed class InMemoryDeliveryLedger : IDeliveryLedger, IDisposable
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);
    private readonly MemoryCache _keys = new(new MemoryCacheOptions { SizeLimit = 1_000_000 });
    private readonly Lock _marks = new();

    public Task<bool> ContainsAsync(string key, CancellationToken ct) => Task.FromResult(_keys.TryGetValue(key, out _));

    public Task AddAsync(string key, CancellationToken ct)
    {
        _keys.Set(key, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Retention });
        return Task.CompletedTask;
    }

    public Task<Guid?> GetCoveredAsync(Guid userId, Guid chatId, CancellationToken ct) =>
        Task.FromResult(_keys.TryGetValue(CoveredKey(userId, chatId), out Guid mark) ? mark : (Guid?)null);

    public Task CoverAsync(Guid userId, Guid chatId, Guid signalId, CancellationToken ct)
    {
        var key = CoveredKey(userId, chatId);
        lock (_marks)
        {
            if (!_keys.TryGetValue(key, out Guid mark) || mark.CompareTo(signalId) < 0)
            {
                _keys.Set(key, signalId, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Retention });
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose() => _keys.Dispose();

    private static string CoveredKey(Guid userId, Guid chatId) => $"covered.{userId:N}.{chatId:N}";
}
