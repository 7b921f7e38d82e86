using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Search;

/// <summary>
/// Prepares a search engine's index at start-up. An engine that is down does not stop the server:
/// sending works, searches answer 503, and the first call that reaches the engine prepares it.
/// </summary>
internal sealed class SearchIndexInitializer(string engine, Func<CancellationToken, Task> ensureReady, ILogger<SearchIndexInitializer> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ensureReady(cancellationToken);
        }
        catch (SearchUnavailableException e)
        {
            logger.LogWarning(e, "{Engine} is not ready; its index will be prepared on first use", engine);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
