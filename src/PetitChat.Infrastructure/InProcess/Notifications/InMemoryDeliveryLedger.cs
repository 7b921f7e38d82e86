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
        Task.FromResult(_keys.TryGetValue(CoveredKey(userId, chatId), out PushMark? mark) ? mark!.Covered : null);

    public Task<PushMark> ChangeMarkAsync(Guid userId, Guid chatId, Func<PushMark, PushMark> change, CancellationToken ct)
    {
        var key = CoveredKey(userId, chatId);
        lock (_marks)
        {
            var mark = _keys.TryGetValue(key, out PushMark? stored) ? stored! : PushMark.None;
            var next = change(mark);
            if (next != mark)
            {
                _keys.Set(key, next, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Retention });
            }

            return Task.FromResult(next);
        }
    }

    public void Dispose() => _keys.Dispose();

    private static string CoveredKey(Guid userId, Guid chatId) => $"covered.{userId:N}.{chatId:N}";
}
