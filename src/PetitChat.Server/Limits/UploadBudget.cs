using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace PetitChat.Server.Limits;

/// <summary>
/// Bytes a user may upload per minute: a token bucket per user counted in KiB (a limiter counts
/// in ints), charged with the request's declared length before a byte is read, or with the
/// largest allowed file when the length is not declared.
/// </summary>
public sealed class UploadBudget : IDisposable
{
    private readonly PartitionedRateLimiter<Guid> _buckets;
    private readonly int _capacityKib;

    public UploadBudget(IOptions<RateLimitOptions> options)
    {
        _capacityKib = (int)Math.Min(int.MaxValue, options.Value.UploadBytesPerMinute / 1024);
        var capacity = _capacityKib;
        _buckets = PartitionedRateLimiter.Create<Guid, Guid>(userId => RateLimitPartition.GetTokenBucketLimiter(userId, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = capacity,
            TokensPerPeriod = Math.Max(1, capacity / 60),
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Null when the upload may go on, else a 429 answer.</summary>
    public ProblemHttpResult? Charge(HttpResponse response, Guid userId, long? declaredBytes, long maxFileBytes)
    {
        var kib = (int)Math.Clamp(((declaredBytes ?? maxFileBytes) + 1023) / 1024, 1, _capacityKib);
        using var lease = _buckets.AttemptAcquire(userId, kib);
        return lease.IsAcquired ? null : TooManyRequests.Result(response, TooManyRequests.RetryAfterOf(lease, TimeSpan.FromMinutes(1)), "uploaded bytes");
    }

    public void Dispose() => _buckets.Dispose();
}
