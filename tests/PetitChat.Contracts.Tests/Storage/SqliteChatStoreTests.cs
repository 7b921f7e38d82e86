using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>The store contract on a fresh SQLite file per test, in a folder the store creates.</summary>
public sealed class SqliteChatStoreTests : ChatStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));

    protected override async Task<IChatStore> CreateStoreAsync()
    {
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "db", "store.db") });
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task DisposeStoreAsync(IChatStore store)
    {
        ((SqliteChatStore)store).Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
