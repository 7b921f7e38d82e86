using Microsoft.Extensions.Diagnostics.HealthChecks;
using PetitChat.Core.Files;

namespace PetitChat.Infrastructure.Health;

/// <summary>Ready when the blob store answers a listing (one request to S3, one folder read on disk).</summary>
internal sealed class BlobsHealthCheck(IBlobStore blobs) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var _ in blobs.ListAsync("healthz/", cancellationToken))
            {
                break;
            }

            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The blob store does not answer.", e);
        }
    }
}
