using Microsoft.Extensions.Diagnostics.HealthChecks;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Health;

/// <summary>Ready when the search index answers a query (in a chat that cannot exist, so it finds nothing).</summary>
internal sealed class SearchHealthCheck(ISearchIndex index) : IHealthCheck
{
    private static readonly SearchQuery Probe = new(Guid.Empty, ["healthz"], 0, 1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await index.SearchAsync(Probe, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The search index does not answer.", e);
        }
    }
}
