using Microsoft.Extensions.Diagnostics.HealthChecks;
using PetitChat.Core.Storage;

namespace PetitChat.Infrastructure.Health;

/// <summary>
/// Ready when the chat store answers a read: a lookup of a user that cannot exist, so the check
/// costs one point read on any adapter and needs nothing of its own in the store.
/// </summary>
internal sealed class StoreHealthCheck(IChatStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetUserAsync(Guid.Empty, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The chat store does not answer.", e);
        }
    }
}
