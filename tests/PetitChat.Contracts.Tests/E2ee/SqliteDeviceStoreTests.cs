using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.E2ee;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.E2ee;

/// <summary>Both e2ee contracts on a fresh SQLite file per test, beside the chat schema as in the server.</summary>
public sealed class SqliteDeviceStoreTests : DeviceStoreContract, IDisposable
{
    private readonly SqlitePartStores _stores = new();

    protected override async Task<IDeviceStore> CreateDeviceStoreAsync() => await CreateAsync();

    internal Task<SqliteDeviceStore> CreateAsync() => _stores.CreateAsync(SqlitePartStores.FreshFile(), options => new SqliteDeviceStore(options));

    public void Dispose() => _stores.Dispose();
}

/// <summary>The to-device message contract on SQLite.</summary>
public sealed class SqliteDeviceMessageStoreTests : DeviceMessageStoreContract, IDisposable
{
    private readonly SqliteDeviceStoreTests _stores = new();

    protected override async Task<IDeviceMessageStore> CreateMessageStoreAsync() => await _stores.CreateAsync();

    public void Dispose() => _stores.Dispose();
}
