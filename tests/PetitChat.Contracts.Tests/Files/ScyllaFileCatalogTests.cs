using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Files;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.Files;

/// <summary>The file catalog contract on the Scylla store against dynalite, tables of its own per test.</summary>
public sealed class ScyllaFileCatalogTests(DynaliteFixture dynalite) : FileCatalogContract, IClassFixture<DynaliteFixture>
{
    protected override async Task<IFileCatalog> CreateCatalogAsync()
    {
        var store = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [dynalite.Url],
            TablePrefix = "f" + Guid.NewGuid().ToString("N")[..12] + "_",
        }, TimeProvider.System);
        await store.InitializeAsync(Ct);
        return store;
    }

    protected override Task DisposeCatalogAsync(IFileCatalog catalog)
    {
        ((ScyllaChatStore)catalog).Dispose();
        return Task.CompletedTask;
    }
}
