using PetitChat.Core.Apps;

namespace PetitChat.Server.Apps;

/// <summary>Runs <see cref="AppDeliveryRetention"/> every <c>Apps:DeliverySweepInterval</c> on every node.</summary>
public sealed class AppDeliverySweeper(AppDeliveryRetention retention, AppOptions options, ILogger<AppDeliverySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.DeliverySweepInterval);
        try
        {
            do
            {
                try
                {
                    var removed = await retention.SweepAsync(stoppingToken);
                    if (removed > 0)
                    {
                        logger.LogInformation("Removed {Deliveries} app deliveries past their keeping time", removed);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Could not remove old app deliveries; trying again at the next sweep");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
