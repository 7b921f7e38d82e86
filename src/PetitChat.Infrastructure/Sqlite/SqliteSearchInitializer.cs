using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Brings the search index's schema up to date at start-up, like the store's initializer. With
/// the chat store on SQLite too and the index in a file of its own (the default), an index that
/// an earlier version kept in the store's file is moved: see <see cref="SqliteChatStore.MoveSearchIndexOutAsync"/>.
/// </summary>
internal sealed partial class SqliteSearchInitializer(SqliteSearchIndex index, SqliteChatStore? store, ILogger<SqliteSearchInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await index.InitializeAsync(cancellationToken);
        if (store is not null
            && !string.Equals(Path.GetFullPath(store.FilePath), Path.GetFullPath(index.FilePath), StringComparison.Ordinal)
            && await store.MoveSearchIndexOutAsync(cancellationToken))
        {
            LogMoved(index.FilePath, store.FilePath);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information,
        Message = "The search index is now in {IndexPath}: the documents in {StorePath} were dropped and every message is queued to be indexed again, in the background.")]
    private partial void LogMoved(string indexPath, string storePath);
}
