using PetitChat.Core.Apps;
using PetitChat.Server.Operations;

namespace PetitChat.Server.Apps;

/// <summary>Runs <see cref="AppDeliveryRetention"/> every <c>Apps:DeliverySweepInterval</c> on every node.</summary>
public sealed class AppDeliverySweeper(AppDeliveryRetention retention, AppOptions options, ILogger<AppDeliverySweeper> logger)
    : PeriodicWorker(options.DeliverySweepInterval, logger)
{
    protected override string Round => "remove old app deliveries";

    protected override async Task RunRoundAsync(CancellationToken ct)
    {
        var removed = await retention.SweepAsync(ct);
        if (removed > 0)
        {
            logger.LogInformation("Removed {Deliveries} app deliveries past their keeping time", removed);
        }
    }
}
