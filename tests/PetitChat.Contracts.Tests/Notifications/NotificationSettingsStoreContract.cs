using PetitChat.Core.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>Every behaviour of <see cref="INotificationSettingsStore"/>; each store adds a subclass that says how to build it.</summary>
public abstract class NotificationSettingsStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    protected abstract Task<INotificationSettingsStore> CreateStoreAsync();

    [Fact]
    public async Task Push_subscriptions_are_per_user_oldest_first_and_an_endpoint_is_stored_once()
    {
        var store = await CreateStoreAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await store.SavePushSubscriptionAsync(new PushSubscription(alice, "https://push.example/a1", "k1", "s1", Now), CancellationToken.None);
        await store.SavePushSubscriptionAsync(new PushSubscription(alice, "https://push.example/a2", "k2", "s2", Now.AddSeconds(1)), CancellationToken.None);
        await store.SavePushSubscriptionAsync(new PushSubscription(bob, "https://push.example/b1", "k3", "s3", Now), CancellationToken.None);
        // The browser subscribed again with new keys.
        await store.SavePushSubscriptionAsync(new PushSubscription(alice, "https://push.example/a1", "k1b", "s1b", Now.AddSeconds(2)), CancellationToken.None);

        var mine = await store.GetPushSubscriptionsAsync(alice, CancellationToken.None);
        Assert.Equal(["https://push.example/a1", "https://push.example/a2"], mine.Select(s => s.Endpoint));
        Assert.Equal(("k1b", "s1b"), (mine[0].P256dh, mine[0].Auth));
        Assert.Single(await store.GetPushSubscriptionsAsync(bob, CancellationToken.None));
    }

    [Fact]
    public async Task An_endpoint_another_user_holds_is_not_moved_to_a_second_user()
    {
        var store = await CreateStoreAsync();
        var (alice, mallory) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        Assert.True(await store.SavePushSubscriptionAsync(new PushSubscription(alice, "https://push.example/held", "k1", "s1", Now), CancellationToken.None));

        Assert.False(await store.SavePushSubscriptionAsync(new PushSubscription(mallory, "https://push.example/held", "evil", "evil", Now.AddSeconds(1)), CancellationToken.None));
        Assert.False(await store.RemovePushSubscriptionAsync(mallory, "https://push.example/held", CancellationToken.None));

        Assert.Empty(await store.GetPushSubscriptionsAsync(mallory, CancellationToken.None));
        var kept = Assert.Single(await store.GetPushSubscriptionsAsync(alice, CancellationToken.None));
        Assert.Equal(("k1", "s1"), (kept.P256dh, kept.Auth));
        // Once its owner lets go, the endpoint is free for whoever subscribes it next.
        Assert.True(await store.RemovePushSubscriptionAsync(alice, "https://push.example/held", CancellationToken.None));
        Assert.True(await store.SavePushSubscriptionAsync(new PushSubscription(mallory, "https://push.example/held", "k2", "s2", Now.AddSeconds(2)), CancellationToken.None));
        Assert.Single(await store.GetPushSubscriptionsAsync(mallory, CancellationToken.None));
    }

    [Fact]
    public async Task Removing_a_subscription_takes_only_the_owners_one()
    {
        var store = await CreateStoreAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await store.SavePushSubscriptionAsync(new PushSubscription(alice, "https://push.example/x", "k", "s", Now), CancellationToken.None);

        Assert.False(await store.RemovePushSubscriptionAsync(bob, "https://push.example/x", CancellationToken.None));
        Assert.True(await store.RemovePushSubscriptionAsync(alice, "https://push.example/x", CancellationToken.None));
        Assert.False(await store.RemovePushSubscriptionAsync(alice, "https://push.example/x", CancellationToken.None));
        Assert.Empty(await store.GetPushSubscriptionsAsync(alice, CancellationToken.None));
    }

    [Fact]
    public async Task A_webhook_is_set_replaced_and_removed()
    {
        var store = await CreateStoreAsync();
        var alice = Guid.CreateVersion7();
        Assert.Null(await store.GetWebhookAsync(alice, CancellationToken.None));

        await store.SaveWebhookAsync(new WebhookSettings(alice, "https://hooks.example/1", "secret-1", Now), CancellationToken.None);
        await store.SaveWebhookAsync(new WebhookSettings(alice, "https://hooks.example/2", "secret-2", Now.AddMinutes(1)), CancellationToken.None);

        Assert.Equal(new WebhookSettings(alice, "https://hooks.example/2", "secret-2", Now.AddMinutes(1)), await store.GetWebhookAsync(alice, CancellationToken.None));
        Assert.True(await store.RemoveWebhookAsync(alice, CancellationToken.None));
        Assert.False(await store.RemoveWebhookAsync(alice, CancellationToken.None));
        Assert.Null(await store.GetWebhookAsync(alice, CancellationToken.None));
    }

    [Fact]
    public async Task Muting_is_per_member_and_can_be_undone()
    {
        var store = await CreateStoreAsync();
        var (chat, alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7(), Guid.CreateVersion7());
        Assert.False(await store.IsMutedAsync(chat, alice, CancellationToken.None));

        await store.SetMutedAsync(chat, alice, true, CancellationToken.None);
        Assert.True(await store.IsMutedAsync(chat, alice, CancellationToken.None));
        Assert.False(await store.IsMutedAsync(chat, bob, CancellationToken.None));

        await store.SetMutedAsync(chat, alice, false, CancellationToken.None);
        Assert.False(await store.IsMutedAsync(chat, alice, CancellationToken.None));
    }
}
