using PetitChat.Core.Files;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Files;

/// <summary>The file catalog contract on a fresh SQLite file per test (the chat store's file).</summary>
public sealed class SqliteFileCatalogTests : FileCatalogContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));

    protected override async Task<IFileCatalog> CreateCatalogAsync()
    {
        var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(_folder, "store.db") });
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task DisposeCatalogAsync(IFileCatalog catalog)
    {
        ((SqliteChatStore)catalog).Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }
}
