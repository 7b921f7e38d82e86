using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>The settings contract on a fresh SQLite file that the chat store also uses, as in the server.</summary>
public sealed class SqliteNotificationSettingsStoreTests : NotificationSettingsStoreContract, IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IDisposable> _stores = [];

    protected override async Task<INotificationSettingsStore> CreateStoreAsync()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, "store.db") };
        var chats = new SqliteChatStore(options);
        await chats.InitializeAsync(CancellationToken.None);
        var store = new SqliteNotificationSettingsStore(options);
        await store.InitializeAsync(CancellationToken.None);
        _stores.Add(chats);
        _stores.Add(store);
        return store;
    }

    [Fact]
    public async Task Its_tables_have_their_own_schema_version_beside_the_chat_schema()
    {
        var options = new SqliteStoreOptions { Path = Path.Combine(_folder, "both.db") };
        using var settings = new SqliteNotificationSettingsStore(options);
        await settings.InitializeAsync(CancellationToken.None);
        using var chats = new SqliteChatStore(options);
        // The chat schema migrates from user_version 0 on a file that already holds these tables.
        await chats.InitializeAsync(CancellationToken.None);
        using var again = new SqliteNotificationSettingsStore(options);
        await again.SetMutedAsync(Guid.CreateVersion7(), Guid.CreateVersion7(), true, CancellationToken.None);
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
