using Microsoft.Extensions.Options;
using PetitChat.Contracts.Tests.Events;
using PetitChat.Contracts.Tests.Notifications;
using PetitChat.Contracts.Tests.Storage;
using PetitChat.Core.Chats;
using PetitChat.Core.Presence;
using PetitChat.Infrastructure.InProcess;

namespace PetitChat.Contracts.Tests.Presence;

/// <summary>Activity and dead-node reaping of the NATS presence, on a real nats-server, seen from several connections.</summary>
public sealed class NatsPresenceTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IDisposable
{
    private readonly SqlitePartStores _stores = new();

    [Fact]
    public async Task A_partner_is_told_offline_by_the_live_nodes_sweep_when_the_users_node_dies()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url) with
        {
            NodeBucket = $"nodes_{Guid.NewGuid():N}",
            NodeExpiry = TimeSpan.FromSeconds(2),
            PresenceExpiry = TimeSpan.FromMinutes(5), // the users' keys would outlive the test by far
        };
        var dying = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var live = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        var (statuses, chats, alice, bob) = await PresencePartners.CreateAsync(_stores);
        var bus = new InProcessEventBus(Options.Create(new InProcessBusOptions()), TimeProvider.System);
        var presenceOptions = new PresenceOptions { Coalesce = TimeSpan.Zero, OfflineGrace = TimeSpan.Zero };
        var onDying = new PresenceService(dying.Presence, statuses, chats, new RosterCache(chats, new NoOtherNodes(), TimeProvider.System, RosterCacheOptions.Default), bus, presenceOptions, TimeProvider.System);
        var onLive = new PresenceService(live.Presence, statuses, chats, new RosterCache(chats, new NoOtherNodes(), TimeProvider.System, RosterCacheOptions.Default), bus, presenceOptions, TimeProvider.System);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var seen = (await bus.SubscribeAsync(bob, null, cts.Token)).GetAsyncEnumerator(cts.Token);

        await onDying.ConnectAsync(alice, cts.Token);
        Assert.Equal(PresenceState.Online, Assert.Single(await PresencePartners.NextAsync(seen, alice, _ => true)).State);

        // Killed without a word: nobody closes alice's stream; the live node's sweep finds her node gone.
        await dying.KillAsync();
        var sweeping = SweepUntilCancelledAsync(onLive, cts.Token);
        var offline = Assert.Single(await PresencePartners.NextAsync(seen, alice, _ => true));
        await cts.CancelAsync();
        await sweeping;

        Assert.Equal(PresenceState.Offline, offline.State);
        Assert.False(await live.Presence.IsConnectedAsync(alice, CancellationToken.None));
    }

    public void Dispose() => _stores.Dispose();

    [Fact]
    public async Task The_fans_screen_follows_another_node_from_a_watched_copy_and_answers_with_NATS_away()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url) with { PresenceExpiry = TimeSpan.FromMinutes(1) };
        await using var node = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var fans = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var bobThere = await node.Presence.ConnectAsync(bob, cts.Token);

        // The first question starts the watch, and is answered by a read of the bucket meanwhile.
        Assert.True(await fans.Presence.SeemsConnectedAsync(bob, cts.Token));
        await UntilAsync(() => Task.FromResult(fans.Presence.ViewReady), cts.Token);
        Assert.True(await fans.Presence.SeemsConnectedAsync(bob, cts.Token));

        var aliceThere = await node.Presence.ConnectAsync(alice, cts.Token);
        await UntilAsync(() => fans.Presence.SeemsConnectedAsync(alice, cts.Token), cts.Token);
        await aliceThere.DisposeAsync();
        await UntilAsync(async () => !await fans.Presence.SeemsConnectedAsync(alice, cts.Token), cts.Token);

        // No read per question: with NATS gone the screen still answers, from what the watch told it.
        await nats.Server.StopAsync();
        try
        {
            Assert.True(await fans.Presence.SeemsConnectedAsync(bob, cts.Token));
            Assert.False(await fans.Presence.SeemsConnectedAsync(alice, cts.Token));
        }
        finally
        {
            await nats.Server.StartAgainAsync();
        }
    }

    [Fact]
    public async Task The_fans_screen_drops_a_key_that_expired_in_the_bucket_without_a_delete()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url) with { PresenceExpiry = TimeSpan.FromSeconds(6) };
        await using var dying = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var fans = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        var alice = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await dying.Presence.ConnectAsync(alice, cts.Token);
        await UntilAsync(async () => await fans.Presence.SeemsConnectedAsync(alice, cts.Token) && fans.Presence.ViewReady, cts.Token);

        // Nobody refreshes or deletes alice's key: the bucket drops it after PresenceExpiry, and tells no watcher.
        await UntilAsync(async () => !await fans.Presence.SeemsConnectedAsync(alice, cts.Token), cts.Token);
        Assert.True(fans.Presence.ViewReady);
        Assert.False(await fans.Presence.IsConnectedAsync(alice, cts.Token));
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, CancellationToken ct)
    {
        while (!await condition())
        {
            await Task.Delay(50, ct);
        }
    }

    /// <summary>The node's sweep, every 200 ms, as <c>PresenceSweeper</c> runs it every <c>SweepInterval</c>.</summary>
    private static async Task SweepUntilCancelledAsync(PresenceService presence, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                await presence.SweepAsync(ct);
                await Task.Delay(200, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task Activity_recorded_on_one_node_is_read_on_another_and_never_goes_back()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url) with { ActivityBucket = $"activity_{Guid.NewGuid():N}" };
        await using var a = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var b = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        var alice = Guid.CreateVersion7();
        var at = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal(new UserActivity(false, null), (await b.Presence.GetActivityAsync([alice], CancellationToken.None))[alice]);
        await using var lease = await a.Presence.ConnectAsync(alice, CancellationToken.None);
        await a.Presence.TouchAsync(alice, at, CancellationToken.None);

        Assert.Equal(new UserActivity(true, at), (await b.Presence.GetActivityAsync([alice], CancellationToken.None))[alice]);

        // Where the offline grace starts, for reads on every node.
        await a.Presence.ClosedAsync(alice, at.AddMinutes(1), CancellationToken.None);
        Assert.Equal(at.AddMinutes(1), (await b.Presence.GetActivityAsync([alice], CancellationToken.None))[alice].ClosedAt);
    }

    [Fact]
    public async Task The_users_of_a_node_that_stopped_refreshing_are_reaped_by_a_live_node()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url) with
        {
            NodeBucket = $"nodes_{Guid.NewGuid():N}",
            NodeExpiry = TimeSpan.FromSeconds(2),
            PresenceExpiry = TimeSpan.FromSeconds(30), // outlives the node key by far, as in production
        };
        var dying = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var live = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await dying.Presence.ConnectAsync(alice, CancellationToken.None);
        await dying.Presence.ConnectAsync(bob, CancellationToken.None);
        await using var bobElsewhere = await live.Presence.ConnectAsync(bob, CancellationToken.None);

        // Killed without a word: its node key expires (2 s), its users' keys would live on for PresenceExpiry.
        await dying.KillAsync();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        IReadOnlyList<Guid> reaped = [];
        while (reaped.Count == 0)
        {
            await Task.Delay(200, deadline.Token);
            reaped = await live.Presence.ReapAsync(deadline.Token);
        }

        Assert.Equal([alice], reaped);
        Assert.False(await live.Presence.IsConnectedAsync(alice, CancellationToken.None));
        Assert.True(await live.Presence.IsConnectedAsync(bob, CancellationToken.None));
    }
}
