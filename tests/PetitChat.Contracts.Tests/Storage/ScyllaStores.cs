using PetitChat.Core.Storage;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// How the Scylla subclasses of the store contracts build a store: the Alternator adapter against
/// dynalite (the DynamoDB API that CI can run), with tables of its own per test under a fresh prefix.
/// </summary>
public static class ScyllaStores
{
    public static async Task<IChatStore> CreateAsync(DynaliteFixture dynalite)
    {
        var store = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [dynalite.Url],
            TablePrefix = "t" + Guid.NewGuid().ToString("N")[..12] + "_",
        }, TimeProvider.System);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public static Task DisposeAsync(IChatStore store)
    {
        ((ScyllaChatStore)store).Dispose();
        return Task.CompletedTask;
    }
}
