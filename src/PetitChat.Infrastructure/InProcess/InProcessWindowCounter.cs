using System.Collections.Concurrent;
using PetitChat.Core.Common;

namespace PetitChat.Infrastructure.InProcess;

/// <summary>
/// <see cref="IWindowCounter"/> in this process's memory: right for one node. Counts of past
/// windows are dropped as new windows start, so memory follows the keys in use now.
/// </summary>
public sealed class InProcessWindowCounter(TimeProvider time) : IWindowCounter
{
    private readonly ConcurrentDictionary<(string Key, long WindowMs, long Index), StrongBox> _counts = new();
    private long _sweptAt;

    public Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken ct)
    {
        var windowMs = WindowMs(window);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var box = _counts.GetOrAdd((key, windowMs, now / windowMs), static _ => new StrongBox());
        var count = Interlocked.Increment(ref box.Value);
        Sweep(now);
        return Task.FromResult(count);
    }

    internal static long WindowMs(TimeSpan window) =>
        window > TimeSpan.Zero && window <= IWindowCounter.MaxWindow
            ? (long)window.TotalMilliseconds
            : throw new ArgumentOutOfRangeException(nameof(window), window, $"A window is longer than zero and at most {IWindowCounter.MaxWindow}.");

    /// <summary>At most once a second: forget the windows that ended.</summary>
    private void Sweep(long now)
    {
        var last = Interlocked.Read(ref _sweptAt);
        if (now - last < 1000 || Interlocked.CompareExchange(ref _sweptAt, now, last) != last)
        {
            return;
        }

        foreach (var entry in _counts.Keys)
        {
            if ((entry.Index + 1) * entry.WindowMs <= now)
            {
                _counts.TryRemove(entry, out _);
            }
        }
    }

    private sealed class StrongBox
    {
        public long Value;
    }
}
