using PetitChat.Core.Search;

namespace PetitChat.Server.Search;

/// <summary>
/// Runs a started reindex for the life of the server: woken by a start on this node, and polling
/// for one started on another node or left half-way by a node that stopped (it resumes from the
/// saved cursor). Failures are logged and retried at the next poll.
/// </summary>
public sealed class SearchReindexWorker(SearchReindexer reindexer, ILogger<SearchReindexWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await reindexer.RunAsync(null, stoppingToken) is { Running: false } done)
                {
                    logger.LogInformation("Search reindex {RunId} walked {Scanned} signals and wrote {Enqueued} search jobs",
                        done.Id, done.Scanned, done.Enqueued);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Search reindex failed; it resumes from its last saved step");
            }

            try
            {
                await reindexer.WaitForStartAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
