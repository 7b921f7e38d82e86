using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The store contract on the Alternator adapter against dynalite (the DynamoDB API that CI can
/// run), with tables of its own per test under a fresh prefix.
/// </summary>
public sealed class ScyllaChatStoreTests(DynaliteFixture dynalite) : ChatStoreContract, IClassFixture<DynaliteFixture>
{
    protected override async Task<IChatStore> CreateStoreAsync()
    {
        var store = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [dynalite.Url],
            TablePrefix = "t" + Guid.NewGuid().ToString("N")[..12] + "_",
        }, TimeProvider.System);
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task DisposeStoreAsync(IChatStore store)
    {
        ((ScyllaChatStore)store).Dispose();
        return Task.CompletedTask;
    }
}
