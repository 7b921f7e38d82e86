using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Apps;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Apps;

/// <summary>The app stores' contract on a fresh SQLite file that the chat store also uses, as in the server.</summary>
public sealed class SqliteAppStoresTests : AppStoresContract, IDisposable
{
    private readonly SqlitePartStores _stores = new();

    protected override async Task<(IAppStore Apps, IIncomingWebhookStore Webhooks, IAppDeliveryStore Deliveries)> CreateStoresAsync()
    {
        var store = await _stores.CreateAsync("store.db", options => new SqliteAppStore(options));
        await store.InitializeAsync(CancellationToken.None);
        return (store, store, store);
    }

    public void Dispose() => _stores.Dispose();
}
