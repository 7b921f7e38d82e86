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
