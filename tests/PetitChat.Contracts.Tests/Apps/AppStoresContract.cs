using PetitChat.Core.Apps;

namespace PetitChat.Contracts.Tests.Apps;

/// <summary>
/// Every behaviour of <see cref="IAppStore"/>, <see cref="IIncomingWebhookStore"/> and
/// <see cref="IAppDeliveryStore"/>; each adapter (one object implements the three) adds a subclass
/// that says how to build it.
/// </summary>
public abstract class AppStoresContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    protected abstract Task<(IAppStore Apps, IIncomingWebhookStore Webhooks, IAppDeliveryStore Deliveries)> CreateStoresAsync();

    [Fact]
    public async Task Apps_are_listed_oldest_first_replaced_by_id_and_deleted_once()
    {
        var (apps, _, _) = await CreateStoresAsync();
        var first = NewApp("first", Now);
        var second = NewApp("second", Now.AddSeconds(1));
        await apps.SaveAppAsync(second, CancellationToken.None);
        await apps.SaveAppAsync(first, CancellationToken.None);
        await apps.SaveAppAsync(first with { TokenHash = "" }, CancellationToken.None);

        var listed = await apps.ListAppsAsync(100, CancellationToken.None);
        Assert.Equal([first.Id, second.Id], listed.Where(a => a.Id == first.Id || a.Id == second.Id).Select(a => a.Id));
        var read = await apps.GetAppAsync(first.Id, CancellationToken.None);
        Assert.NotNull(read);
        Assert.Equal("", read.TokenHash);
        Assert.Equal(first.Commands, read.Commands);
        Assert.Equal(first.Events, read.Events);
        Assert.True(await apps.DeleteAppAsync(first.Id, CancellationToken.None));
        Assert.False(await apps.DeleteAppAsync(first.Id, CancellationToken.None));
        Assert.Null(await apps.GetAppAsync(first.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Listing_apps_stops_at_the_maximum()
    {
        var (apps, _, _) = await CreateStoresAsync();
        for (var i = 0; i < 3; i++)
        {
            await apps.SaveAppAsync(NewApp($"app{i}", Now.AddSeconds(i)), CancellationToken.None);
        }

        Assert.Equal(2, (await apps.ListAppsAsync(2, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Webhooks_are_found_by_id_listed_per_chat_rotated_and_deleted_only_with_their_chat()
    {
        var (_, webhooks, _) = await CreateStoresAsync();
        var (chat, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var one = NewWebhook(chat, "ci", Now);
        var two = NewWebhook(chat, "alerts", Now.AddSeconds(1));
        var elsewhere = NewWebhook(other, "elsewhere", Now);
        foreach (var w in new[] { two, one, elsewhere })
        {
            await webhooks.SaveWebhookAsync(w, CancellationToken.None);
        }

        await webhooks.SaveWebhookAsync(one with { TokenHash = "rotated" }, CancellationToken.None);

        Assert.Equal("rotated", (await webhooks.GetWebhookAsync(one.Id, CancellationToken.None))?.TokenHash);
        var listed = await webhooks.ListWebhooksAsync(chat, 10, CancellationToken.None);
        Assert.Equal([one.Id, two.Id], listed.Select(w => w.Id));
        Assert.Equal("rotated", listed[0].TokenHash);
        Assert.False(await webhooks.DeleteWebhookAsync(other, one.Id, CancellationToken.None));
        Assert.True(await webhooks.DeleteWebhookAsync(chat, one.Id, CancellationToken.None));
        Assert.Null(await webhooks.GetWebhookAsync(one.Id, CancellationToken.None));
        Assert.Equal([two.Id], (await webhooks.ListWebhooksAsync(chat, 10, CancellationToken.None)).Select(w => w.Id));
        Assert.Single(await webhooks.ListWebhooksAsync(other, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Deliveries_are_listed_newest_first_by_status_and_paged_by_id()
    {
        var (_, _, deliveries) = await CreateStoresAsync();
        var app = Guid.CreateVersion7();
        var made = new List<AppDelivery>();
        for (var i = 0; i < 5; i++)
        {
            var d = NewDelivery(app, Now.AddSeconds(i), i % 2 == 0 ? AppDeliveryStatus.Failed : AppDeliveryStatus.Delivered);
            made.Add(d);
            await deliveries.SaveDeliveryAsync(d, CancellationToken.None);
        }

        await deliveries.SaveDeliveryAsync(NewDelivery(Guid.CreateVersion7(), Now, AppDeliveryStatus.Failed), CancellationToken.None);

        var all = await deliveries.ListDeliveriesAsync(app, null, null, 10, CancellationToken.None);
        Assert.Equal(made.Select(d => d.Id).Reverse(), all.Select(d => d.Id));
        var failed = await deliveries.ListDeliveriesAsync(app, AppDeliveryStatus.Failed, null, 2, CancellationToken.None);
        Assert.Equal([made[4].Id, made[2].Id], failed.Select(d => d.Id));
        var older = await deliveries.ListDeliveriesAsync(app, AppDeliveryStatus.Failed, failed[^1].Id, 2, CancellationToken.None);
        Assert.Equal([made[0].Id], older.Select(d => d.Id));
    }

    [Fact]
    public async Task A_delivery_saved_again_keeps_its_place_with_its_new_state()
    {
        var (_, _, deliveries) = await CreateStoresAsync();
        var app = Guid.CreateVersion7();
        var d = NewDelivery(app, Now, AppDeliveryStatus.Pending);
        await deliveries.SaveDeliveryAsync(d, CancellationToken.None);
        await deliveries.SaveDeliveryAsync(d with { Status = AppDeliveryStatus.Failed, Attempts = 3, LastError = "app answered 500" }, CancellationToken.None);

        var read = await deliveries.GetDeliveryAsync(app, d.Id, CancellationToken.None);
        Assert.Equal((AppDeliveryStatus.Failed, 3, "app answered 500", d.Body), (read?.Status, read?.Attempts, read?.LastError, read?.Body));
        Assert.Empty(await deliveries.ListDeliveriesAsync(app, AppDeliveryStatus.Pending, null, 10, CancellationToken.None));
        Assert.Single(await deliveries.ListDeliveriesAsync(app, AppDeliveryStatus.Failed, null, 10, CancellationToken.None));
        Assert.Null(await deliveries.GetDeliveryAsync(Guid.CreateVersion7(), d.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Deliveries_saved_together_are_each_created_or_replaced_like_one_by_one()
    {
        var (_, _, deliveries) = await CreateStoresAsync();
        var (app, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var failing = NewDelivery(app, Now, AppDeliveryStatus.Pending);
        await deliveries.SaveDeliveryAsync(failing, CancellationToken.None);
        // More than one batch of the Scylla adapter (25 writes).
        var delivered = Enumerable.Range(1, 30).Select(i => NewDelivery(i % 3 == 0 ? other : app, Now.AddSeconds(i), AppDeliveryStatus.Delivered)).ToList();

        await deliveries.SaveDeliveriesAsync([.. delivered, failing with { Status = AppDeliveryStatus.Failed, Attempts = 5, LastError = "app answered 500" }],
            CancellationToken.None);
        await deliveries.SaveDeliveriesAsync([], CancellationToken.None);

        var mine = await deliveries.ListDeliveriesAsync(app, null, null, 100, CancellationToken.None);
        Assert.Equal(delivered.Where(d => d.AppId == app).Select(d => d.Id).Reverse().Append(failing.Id), mine.Select(d => d.Id));
        var failed = Assert.Single(await deliveries.ListDeliveriesAsync(app, AppDeliveryStatus.Failed, null, 10, CancellationToken.None));
        Assert.Equal((failing.Id, 5, "app answered 500", failing.Body), (failed.Id, failed.Attempts, failed.LastError, failed.Body));
        Assert.Empty(await deliveries.ListDeliveriesAsync(app, AppDeliveryStatus.Pending, null, 10, CancellationToken.None));
        Assert.Equal(10, (await deliveries.ListDeliveriesAsync(other, AppDeliveryStatus.Delivered, null, 100, CancellationToken.None)).Count);
    }

    [Fact]
    public async Task Old_deliveries_of_one_status_are_removed_oldest_first_and_others_stay()
    {
        var (_, _, deliveries) = await CreateStoresAsync();
        var (app, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var old = new List<AppDelivery>();
        for (var i = 0; i < 3; i++)
        {
            old.Add(NewDelivery(app, Now.AddDays(-10).AddSeconds(i), AppDeliveryStatus.Delivered));
        }

        var oldFailed = NewDelivery(app, Now.AddDays(-10), AppDeliveryStatus.Failed);
        var recent = NewDelivery(app, Now.AddMinutes(-1), AppDeliveryStatus.Delivered);
        var otherApps = NewDelivery(other, Now.AddDays(-10), AppDeliveryStatus.Delivered);
        foreach (var d in old.Append(oldFailed).Append(recent).Append(otherApps))
        {
            await deliveries.SaveDeliveryAsync(d, CancellationToken.None);
        }

        Assert.Equal(2, await deliveries.RemoveDeliveriesAsync(app, AppDeliveryStatus.Delivered, Now.AddDays(-1), 2, CancellationToken.None));
        Assert.Equal(1, await deliveries.RemoveDeliveriesAsync(app, AppDeliveryStatus.Delivered, Now.AddDays(-1), 10, CancellationToken.None));
        Assert.Equal(0, await deliveries.RemoveDeliveriesAsync(app, AppDeliveryStatus.Delivered, Now.AddDays(-1), 10, CancellationToken.None));

        var left = await deliveries.ListDeliveriesAsync(app, null, null, 10, CancellationToken.None);
        Assert.Equal([recent.Id, oldFailed.Id], left.Select(d => d.Id));
        Assert.Single(await deliveries.ListDeliveriesAsync(other, null, null, 10, CancellationToken.None));
    }

    // Ids are UUIDv7 of the creation time, as the services make them: stores may order by id.
    private static App NewApp(string name, DateTimeOffset at) => new(
        Guid.CreateVersion7(at), name, "https://apps.example/" + name, Guid.CreateVersion7(), ["signal.created", "call.*"],
        [new AppCommand("weather", "The weather")], "hash-" + name, "secret-" + name, Guid.CreateVersion7(), at);

    private static IncomingWebhook NewWebhook(Guid chatId, string name, DateTimeOffset at) =>
        new(Guid.CreateVersion7(at), chatId, name, null, Guid.CreateVersion7(), "hash-" + name, Guid.CreateVersion7(), at);

    private static AppDelivery NewDelivery(Guid appId, DateTimeOffset at, AppDeliveryStatus status) =>
        new(Guid.CreateVersion7(at), appId, Guid.CreateVersion7(), "signal.created", "{\"type\":\"signal.created\"}", status, 1, 0, null, at, at);
}
