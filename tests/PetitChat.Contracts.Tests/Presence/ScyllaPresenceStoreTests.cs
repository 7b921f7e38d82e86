using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Presence;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.Presence;

/// <summary>The presence contract on the Scylla store against dynalite, tables of its own per test.</summary>
public sealed class ScyllaPresenceStoreTests(DynaliteFixture dynalite) : PresenceStoreContract, IClassFixture<DynaliteFixture>, IDisposable
{
    private readonly List<ScyllaChatStore> _stores = [];

    protected override async Task<IPresenceStore> CreateStoreAsync()
    {
        var store = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [dynalite.Url],
            TablePrefix = "p" + Guid.NewGuid().ToString("N")[..12] + "_",
        }, TimeProvider.System);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return new ScyllaPresenceStore(store);
    }

    public void Dispose() => _stores.ForEach(s => s.Dispose());
}
