using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.E2ee;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.E2ee;

/// <summary>The device contract on the Scylla store against dynalite, tables of its own per test.</summary>
public sealed class ScyllaDeviceStoreTests(DynaliteFixture dynalite) : DeviceStoreContract, IClassFixture<DynaliteFixture>, IDisposable
{
    private readonly List<ScyllaChatStore> _stores = [];

    protected override async Task<IDeviceStore> CreateDeviceStoreAsync() => new ScyllaDeviceStore(await ScyllaE2ee.CreateChatStoreAsync(dynalite, _stores));

    public void Dispose() => _stores.ForEach(s => s.Dispose());
}

/// <summary>The to-device message contract on the Scylla store against dynalite.</summary>
public sealed class ScyllaDeviceMessageStoreTests(DynaliteFixture dynalite) : DeviceMessageStoreContract, IClassFixture<DynaliteFixture>, IDisposable
{
    private readonly List<ScyllaChatStore> _stores = [];

    protected override async Task<IDeviceMessageStore> CreateMessageStoreAsync() => new ScyllaDeviceStore(await ScyllaE2ee.CreateChatStoreAsync(dynalite, _stores));

    public void Dispose() => _stores.ForEach(s => s.Dispose());
}

internal static class ScyllaE2ee
{
    public static async Task<ScyllaChatStore> CreateChatStoreAsync(DynaliteFixture dynalite, List<ScyllaChatStore> owned)
    {
        var store = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [dynalite.Url],
            TablePrefix = "e" + Guid.NewGuid().ToString("N")[..12] + "_",
        }, TimeProvider.System);
        owned.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
