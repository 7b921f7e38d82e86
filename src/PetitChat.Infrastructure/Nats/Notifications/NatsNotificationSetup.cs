using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// Creates or updates the streams, consumers and buckets before the host takes work (an
/// unreachable NATS fails start-up with its error), then keeps this node's presence keys fresh.
/// A refresh that NATS does not answer (a NATS server restarting) is logged and tried again: it
/// must not stop the host, whose other work goes on without it.
/// </summary>
internal sealed partial class NatsNotificationSetup(
    NatsNotificationQueue queue, NatsDeliveryLedger ledger, NatsPresence presence, NatsWindowCounter counter, ILogger<NatsNotificationSetup> logger) : BackgroundService
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
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await presence.RefreshAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NatsException or TimeoutException)
            {
                LogRefreshFailed(e);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing this node's presence keys in NATS failed; trying again")]
    private partial void LogRefreshFailed(Exception exception);
}
