using Microsoft.Extensions.Hosting;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// Creates or updates the streams, consumers and buckets before the host takes work (an
/// unreachable NATS fails start-up with its error), then keeps this node's presence keys fresh.
/// </summary>
internal sealed class NatsNotificationSetup(NatsNotificationQueue queue, NatsDeliveryLedger ledger, NatsPresence presence, NatsWindowCounter counter) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await queue.EnsureAsync(cancellationToken);
        await ledger.EnsureAsync(cancellationToken);
        await presence.EnsureAsync(cancellationToken);
        await counter.EnsureAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await presence.RefreshAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
