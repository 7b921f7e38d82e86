using System.Threading.RateLimiting;
using PetitChat.Core.Apps;

namespace PetitChat.Server.Apps;

/// <summary>
/// <c>Apps:IncomingRatePerMinute</c> posts per webhook per minute, in fixed windows, on this node
/// (a cluster of N nodes lets at most N times that through; the per-address limits in front of it
/// still apply).
/// </summary>
public sealed class IncomingWebhookLimiter(AppOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _limiter = PartitionedRateLimiter.Create<Guid, Guid>(id =>
        RateLimitPartition.GetFixedWindowLimiter(id, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.IncomingRatePerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Takes one post from the webhook's allowance; false when it is used up (answer 429).</summary>
    public bool TryAcquire(Guid webhookId)
    {
        using var lease = _limiter.AttemptAcquire(webhookId);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
