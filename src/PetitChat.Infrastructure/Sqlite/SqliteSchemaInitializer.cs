using Microsoft.Extensions.Hosting;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Creates or upgrades the schema at start-up so that a broken database file fails the host
/// instead of its first request. The store would also do it on first use.
/// </summary>
internal sealed class SqliteSchemaInitializer(SqliteChatStore store) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
