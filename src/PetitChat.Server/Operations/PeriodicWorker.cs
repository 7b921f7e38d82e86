namespace PetitChat.Server.Operations;

/// <summary>
/// A round of work on this node at start and then every <paramref name="interval"/> (sweeps that
/// every node runs, each safe to run at once on several). A failed round is logged and the next
/// one tries again; only stopping the host ends the loop.
/// </summary>
public abstract class PeriodicWorker(TimeSpan interval, ILogger logger, TimeProvider? time = null) : BackgroundService
{
    /// <summary>What a round does, for the log line of a failed one ("end unanswered calls").</summary>
    protected abstract string Round { get; }

    protected abstract Task RunRoundAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time ?? TimeProvider.System);
        try
        {
            do
            {
                try
                {
                    await RunRoundAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Could not {Round}; trying again at the next round", Round);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
