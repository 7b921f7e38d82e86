using PetitChat.Core.Storage;

namespace PetitChat.Contracts.Tests.Storage;

public sealed class SqliteSearchReindexStoreTests : SearchReindexStoreContract
{
    private readonly SqliteStores _stores = new();

    protected override Task<IChatStore> CreateStoreAsync() => _stores.CreateAsync();

    protected override Task DisposeStoreAsync(IChatStore store) => _stores.DisposeAsync(store);
}
