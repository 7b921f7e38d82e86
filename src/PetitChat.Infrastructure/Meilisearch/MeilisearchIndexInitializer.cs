using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Meilisearch;

/// <summary>
/// Creates the index and applies its settings at start-up. A Meilisearch that is down does not
/// stop the server: sending works, searches answer 503, and the first call that reaches
/// Meilisearch applies the settings before anything else.
/// </summary>
internal sealed class MeilisearchIndexInitializer(MeilisearchIndex index, ILogger<MeilisearchIndexInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await index.EnsureReadyAsync(cancellationToken);
        }
        catch (SearchUnavailableException e)
        {
            logger.LogWarning(e, "Meilisearch is not ready; its index settings will be applied on first use");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
