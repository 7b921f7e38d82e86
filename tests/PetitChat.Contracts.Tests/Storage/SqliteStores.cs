using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>How the SQLite subclasses of the store contracts build a store: a fresh file per test, in a folder the store creates.</summary>
public sealed class SqliteStores
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));

    public async Task<IChatStore> CreateAsync()
    {
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "db", "store.db") });
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public Task DisposeAsync(IChatStore store)
    {
        ((SqliteChatStore)store).Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
