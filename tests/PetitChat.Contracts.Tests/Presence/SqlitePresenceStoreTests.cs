using PetitChat.Core.Presence;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Presence;

/// <summary>The presence contract on a fresh SQLite file that the chat store also uses, as in the server.</summary>
public sealed class SqlitePresenceStoreTests : PresenceStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _stores = [];

    protected override async Task<IPresenceStore> CreateStoreAsync()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, "store.db") };
        var chats = new SqliteChatStore(options);
        await chats.InitializeAsync(CancellationToken.None);
        var store = new SqlitePresenceStore(options);
        await store.InitializeAsync(CancellationToken.None);
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
