namespace PetitChat.Core.Common;

/// <summary>
/// Counts occurrences per key in fixed windows of time, shared by everything that shares the
/// counter's engine: one process in-process, every node of the cluster on NATS. For limits that
/// must hold across nodes (an incoming webhook's posts per minute), where a per-node limiter lets
/// N nodes take N times the limit.
/// </summary>
public interface IWindowCounter
{
    /// <summary>
    /// Adds one to <paramref name="key"/>'s count in the current window of length
    /// <paramref name="window"/> (windows start at multiples of it since the Unix epoch) and returns
    /// the count with this one. Keys are letters, digits, <c>-</c> and <c>_</c>; windows at most
    /// <see cref="MaxWindow"/>.
    /// </summary>
    Task<long> IncrementAsync(string key, TimeSpan window, CancellationToken ct);

    /// <summary>The longest window a counter keeps (NATS keeps keys this long, twice over).</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromMinutes(5);
}
