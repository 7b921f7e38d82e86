using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>The settings contract on a fresh SQLite file that the chat store also uses, as in the server.</summary>
public sealed class SqliteNotificationSettingsStoreTests : NotificationSettingsStoreContract, IDisposable
{
    private readonly SqlitePartStores _stores = new();

    protected override async Task<INotificationSettingsStore> CreateStoreAsync()
    {
        var store = await _stores.CreateAsync("store.db", options => new SqliteNotificationSettingsStore(options));
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    [Fact]
    public async Task Its_tables_have_their_own_schema_version_beside_the_chat_schema()
    {
        var options = _stores.Options("both.db");
        using var settings = new SqliteNotificationSettingsStore(options);
        await settings.InitializeAsync(CancellationToken.None);
        using var chats = new SqliteChatStore(options);
        // The chat schema migrates from user_version 0 on a file that already holds these tables.
        await chats.InitializeAsync(CancellationToken.None);
        using var again = new SqliteNotificationSettingsStore(options);
        await again.SetMutedAsync(Guid.CreateVersion7(), Guid.CreateVersion7(), true, CancellationToken.None);
    }

    public void Dispose() => _stores.Dispose();
}
