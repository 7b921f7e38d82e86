using PetitChat.Core.Storage;

namespace PetitChat.Contracts.Tests.Storage;

public sealed class ScyllaSearchReindexStoreTests(DynaliteFixture dynalite) : SearchReindexStoreContract, IClassFixture<DynaliteFixture>
{
    protected override Task<IChatStore> CreateStoreAsync() => ScyllaStores.CreateAsync(dynalite);

    protected override Task DisposeStoreAsync(IChatStore store) => ScyllaStores.DisposeAsync(store);
}
