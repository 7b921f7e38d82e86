using Microsoft.Extensions.Hosting;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// Creates or updates the events stream and the tickets bucket before the server takes requests. An unreachable NATS
/// fails start-up with its error, rather than a node that starts and then cannot deliver.
/// </summary>
internal sealed class NatsStreamSetup(NatsEventBus bus, NatsTicketStore tickets) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await bus.EnsureStreamAsync(cancellationToken);
        await tickets.EnsureBucketAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
