using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Apps;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.Apps;

/// <summary>The app stores' contract on the Scylla store against dynalite, tables of its own per test.</summary>
public sealed class ScyllaAppStoresTests(DynaliteFixture dynalite) : AppStoresContract, IClassFixture<DynaliteFixture>, IDisposable
{
    private readonly List<ScyllaChatStore> _stores = [];

    protected override async Task<(IAppStore Apps, IIncomingWebhookStore Webhooks, IAppDeliveryStore Deliveries)> CreateStoresAsync()
    {
        var chats = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [dynalite.Url],
            TablePrefix = "a" + Guid.NewGuid().ToString("N")[..12] + "_",
        }, TimeProvider.System);
        _stores.Add(chats);
        await chats.InitializeAsync(CancellationToken.None);
        var store = new ScyllaAppStore(chats);
        return (store, store, store);
    }

    public void Dispose() => _stores.ForEach(s => s.Dispose());
}
