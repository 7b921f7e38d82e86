using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>The settings contract on the Scylla store against dynalite, tables of its own per test.</summary>
public sealed class ScyllaNotificationSettingsStoreTests(DynaliteFixture dynalite)
    : NotificationSettingsStoreContract, IClassFixture<DynaliteFixture>, IDisposable
{
    private readonly List<ScyllaChatStore> _stores = [];

    protected override async Task<INotificationSettingsStore> CreateStoreAsync() => new ScyllaNotificationSettingsStore(await CreateChatStoreAsync());

    [Fact]
    public async Task Settings_written_through_one_node_are_read_through_another()
    {
        var prefix = "n" + Guid.NewGuid().ToString("N")[..12] + "_";
        var one = new ScyllaNotificationSettingsStore(await CreateChatStoreAsync(prefix));
        var two = new ScyllaNotificationSettingsStore(await CreateChatStoreAsync(prefix));
        var (chat, alice) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        await one.SetMutedAsync(chat, alice, true, CancellationToken.None);
        await one.SaveWebhookAsync(new WebhookSettings(alice, "https://hooks.example/1", "secret", DateTimeOffset.UnixEpoch), CancellationToken.None);

        Assert.True(await two.IsMutedAsync(chat, alice, CancellationToken.None));
        Assert.Equal("https://hooks.example/1", (await two.GetWebhookAsync(alice, CancellationToken.None))?.Url);
    }

    public void Dispose() => _stores.ForEach(s => s.Dispose());

    private async Task<ScyllaChatStore> CreateChatStoreAsync(string? prefix = null)
    {
        var store = new ScyllaChatStore(new ScyllaStoreOptions
        {
            Endpoints = [dynalite.Url],
            TablePrefix = prefix ?? "n" + Guid.NewGuid().ToString("N")[..12] + "_",
        }, TimeProvider.System);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
