using PetitChat.Contracts.Tests.Events;
using PetitChat.Contracts.Tests.Notifications;
using PetitChat.Core.Presence;

namespace PetitChat.Contracts.Tests.Presence;

/// <summary>Activity and dead-node reaping of the NATS presence, on a real nats-server, seen from several connections.</summary>
public sealed class NatsPresenceTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
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
