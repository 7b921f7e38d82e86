using Microsoft.Extensions.Hosting;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>Brings the search index's schema up to date at start-up, like the store's initializer.</summary>
internal sealed class SqliteSearchInitializer(SqliteSearchIndex index) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => index.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
