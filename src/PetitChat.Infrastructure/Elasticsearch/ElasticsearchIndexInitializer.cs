using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Elasticsearch;

/// <summary>
/// Creates the index at start-up. An Elasticsearch that is down does not stop the server:
/// sending works, searches answer 503, and the first call that reaches it creates the index.
/// </summary>
internal sealed class ElasticsearchIndexInitializer(ElasticsearchIndex index, ILogger<ElasticsearchIndexInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await index.EnsureReadyAsync(cancellationToken);
        }
        catch (SearchUnavailableException e)
        {
            logger.LogWarning(e, "Elasticsearch is not ready; its index will be created on first use");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
