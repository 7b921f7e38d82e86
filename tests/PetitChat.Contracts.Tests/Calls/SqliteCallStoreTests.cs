using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Calls;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Calls;

/// <summary>The call store contract on a fresh SQLite file that the chat store also uses, as in the server.</summary>
public sealed class SqliteCallStoreTests : CallStoreContract, IDisposable
{
    private readonly SqlitePartStores _stores = new();

    protected override async Task<ICallStore> CreateStoreAsync()
    {
        var store = await _stores.CreateAsync(SqlitePartStores.FreshFile(), options => new SqliteCallStore(options));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public void Dispose() => _stores.Dispose();
}
