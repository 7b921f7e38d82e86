using Microsoft.Extensions.Options;
using PetitChat.Core.Search;

namespace PetitChat.Server.Search;

/// <summary>
/// Runs the <see cref="SearchIndexer"/> for the life of the server: drains due jobs, then waits
/// for a send to wake it (and then a moment more, so that sends close together share a batch) or
/// for the poll interval (jobs of other nodes, retries coming due).
/// Failures are logged and retried; nothing here can stop the server or a send.
/// </summary>
public sealed class SearchIndexingWorker(
    SearchIndexer indexer, SearchWakeup wakeup, IOptions<SearchIndexerOptions> options, ILogger<SearchIndexingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var drain = await indexer.DrainAsync(stoppingToken);
                if (drain.Failure is { } failure)
                {
                    logger.LogWarning(failure, "Search indexing failed for {Jobs} jobs; retrying at {RetryAt}", drain.Claimed, drain.RetryAt);
                }
                else if (drain.Claimed > 0)
                {
                    logger.LogDebug("Search indexed {Indexed} and removed {Removed} signals", drain.Indexed, drain.Removed);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store itself failed: claimed jobs come back after their lease.
                logger.LogError(e, "Search indexing could not read its jobs");
            }

            try
            {
                if (await wakeup.WaitAsync(options.Value.PollInterval, stoppingToken) && options.Value.GatherDelay > TimeSpan.Zero)
                {
                    // Woken by a send: the sends of the next moment join its batch (see GatherDelay).
                    await Task.Delay(options.Value.GatherDelay, stoppingToken);
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
