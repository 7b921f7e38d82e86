using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Presence;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Presence;

/// <summary>The presence contract on a fresh SQLite file that the chat store also uses, as in the server.</summary>
public sealed class SqlitePresenceStoreTests : PresenceStoreContract, IDisposable
{
    private readonly SqlitePartStores _stores = new();

    protected override async Task<IPresenceStore> CreateStoreAsync()
    {
        var store = await _stores.CreateAsync("store.db", options => new SqlitePresenceStore(options));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public void Dispose() => _stores.Dispose();
}
