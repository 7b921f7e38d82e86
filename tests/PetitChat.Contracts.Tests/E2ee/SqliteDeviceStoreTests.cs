using PetitChat.Core.E2ee;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.E2ee;

/// <summary>Both e2ee contracts on a fresh SQLite file per test, beside the chat schema as in the server.</summary>
public sealed class SqliteDeviceStoreTests : DeviceStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _stores = [];

    protected override async Task<IDeviceStore> CreateDeviceStoreAsync() => await CreateAsync();

    internal async Task<SqliteDeviceStore> CreateAsync()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".db") };
        var chats = new SqliteChatStore(options);
        await chats.InitializeAsync(CancellationToken.None);
        var store = new SqliteDeviceStore(options);
        _stores.Add(chats);
        _stores.Add(store);
        return store;
    }

    public void Dispose()
    {
        _stores.ForEach(s => s.Dispose());
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>The to-device message contract on SQLite.</summary>
public sealed class SqliteDeviceMessageStoreTests : DeviceMessageStoreContract, IDisposable
{
    private readonly SqliteDeviceStoreTests _stores = new();

    protected override async Task<IDeviceMessageStore> CreateMessageStoreAsync() => await _stores.CreateAsync();

    public void Dispose() => _stores.Dispose();
}
