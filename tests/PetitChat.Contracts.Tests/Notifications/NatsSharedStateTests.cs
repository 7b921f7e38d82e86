using PetitChat.Contracts.Tests.Events;
namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>The ledger and presence that every node and worker shares, on a real nats-server, seen from two connections.</summary>
public sealed class NatsSharedStateTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>
{
    [Fact]
    public async Task A_key_one_worker_records_is_seen_by_another()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url);
        await using var a = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var b = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);

        Assert.False(await b.Ledger.ContainsAsync("job-1/webpush/abc", CancellationToken.None));
        await a.Ledger.AddAsync("job-1/webpush/abc", CancellationToken.None);
        await a.Ledger.AddAsync("job-1/webpush/abc", CancellationToken.None);

        Assert.True(await b.Ledger.ContainsAsync("job-1/webpush/abc", CancellationToken.None));
        Assert.False(await b.Ledger.ContainsAsync("job-2/webpush/abc", CancellationToken.None));
    }

    [Fact]
    public async Task A_push_mark_one_worker_moves_is_seen_by_another_and_never_moves_back()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url);
        await using var a = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var b = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        var (user, chat) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        // Ids strictly in order, as the server assigns them (CreateVersion7 is random within a millisecond).
        var ids = new Core.Common.Ids(TimeProvider.System);
        var (older, newer) = (ids.Next(), ids.Next());

        Assert.Null(await b.Ledger.GetCoveredAsync(user, chat, CancellationToken.None));
        await a.Ledger.CoverAsync(user, chat, newer, CancellationToken.None);
        await b.Ledger.CoverAsync(user, chat, older, CancellationToken.None);

        Assert.Equal(newer, await b.Ledger.GetCoveredAsync(user, chat, CancellationToken.None));
        Assert.Null(await a.Ledger.GetCoveredAsync(user, Guid.CreateVersion7(), CancellationToken.None));
    }

    [Fact]
    public async Task A_user_is_connected_while_any_node_holds_a_stream_of_theirs()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url);
        await using var nodeA = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var nodeB = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var worker = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        Assert.False(await worker.Presence.IsConnectedAsync(alice, CancellationToken.None));
        var first = await nodeA.Presence.ConnectAsync(alice, CancellationToken.None);
        var second = await nodeB.Presence.ConnectAsync(alice, CancellationToken.None);
        var third = await nodeA.Presence.ConnectAsync(alice, CancellationToken.None);
        Assert.True(await worker.Presence.IsConnectedAsync(alice, CancellationToken.None));
        Assert.False(await worker.Presence.IsConnectedAsync(bob, CancellationToken.None));

        await first.DisposeAsync();
        await second.DisposeAsync();
        Assert.True(await worker.Presence.IsConnectedAsync(alice, CancellationToken.None));
        await third.DisposeAsync();
        Assert.False(await worker.Presence.IsConnectedAsync(alice, CancellationToken.None));
    }

    [Fact]
    public async Task A_dead_nodes_streams_stop_counting_after_the_expiry()
    {
        var options = NatsWorker.OptionsFor(nats.Server.Url);
        var node = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        await using var worker = await NatsWorker.StartAsync(options, Core.Notifications.RetryPolicy.Default);
        var alice = Guid.CreateVersion7();
        await node.Presence.ConnectAsync(alice, CancellationToken.None);
        Assert.True(await worker.Presence.IsConnectedAsync(alice, CancellationToken.None));

        await node.KillAsync();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (await worker.Presence.IsConnectedAsync(alice, deadline.Token))
        {
            // The key expires on the server's clock (PresenceExpiry = 3 s); ask again until it has.
            await Task.Delay(200, deadline.Token);
        }
    }
}
