using Microsoft.Extensions.Hosting;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// Creates or updates the events stream before the server takes requests. An unreachable NATS
/// fails start-up with its error, rather than a node that starts and then cannot deliver.
/// </summary>
internal sealed class NatsStreamSetup(NatsEventBus bus) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => bus.EnsureStreamAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
