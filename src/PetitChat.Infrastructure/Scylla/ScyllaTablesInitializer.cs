using Microsoft.Extensions.Hosting;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Creates the missing tables at start-up, so that an unreachable cluster or a wrong prefix fails
/// the host instead of its first request. Idempotent, and safe when several nodes start together.
/// </summary>
internal sealed class ScyllaTablesInitializer(ScyllaChatStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
