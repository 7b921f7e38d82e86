using NATS.Client.Core;
using NATS.Client.JetStream;
using PetitChat.Core.Events;
using PetitChat.Infrastructure.Nats;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>
/// What only the NATS bus does: several nodes (buses with their own connections) on one
/// stream, and NATS going away and coming back, all on a real nats-server.
/// </summary>
public sealed class NatsEventBusNodeTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IAsyncLifetime, IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly List<NatsBuses> _buses = [];
    private readonly List<NatsServer> _servers = [];

    [Fact]
    public async Task An_event_published_on_one_node_reaches_a_subscriber_on_another()
    {
        var buses = Buses(nats.Server);
        var (node1, node2) = (await buses.CreateAsync(), await buses.CreateAsync());
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var stream = await node2.SubscribeAsync(user, null, cts.Token);

        await Publish(node1, user, 1, 2);

        Assert.Equal([1, 2], Numbers(await TakeAsync(stream, 2, cts.Token)));
    }

    [Fact]
    public async Task A_client_resumes_on_another_node_with_no_gap_and_no_duplicate()
    {
        var buses = Buses(nats.Server);
        var (node1, node2) = (await buses.CreateAsync(), await buses.CreateAsync());
        var user = Guid.CreateVersion7();
        string lastSeen;
        using (var onNode1 = new CancellationTokenSource(Wait))
        {
            var stream = await node1.SubscribeAsync(user, null, onNode1.Token);
            await Publish(node2, user, 1, 2, 3);
            lastSeen = (await TakeAsync(stream, 2, onNode1.Token))[^1].Id!;
            await onNode1.CancelAsync();
        }

        await Publish(node1, user, 4);
        using var cts = new CancellationTokenSource(Wait);
        var resumed = await node2.SubscribeAsync(user, lastSeen, cts.Token);
        await Publish(node1, user, 5);

        Assert.Equal([3, 4, 5], Numbers(await TakeAsync(resumed, 3, cts.Token)));
    }

    [Fact]
    public async Task A_group_event_is_stored_once_and_an_open_stream_keeps_no_consumer_on_the_server()
    {
        var buses = Buses(nats.Server);
        var (node1, node2) = (await buses.CreateAsync(), await buses.CreateAsync());
        var members = Enumerable.Range(0, 10).Select(_ => Guid.CreateVersion7()).ToArray();
        var elsewhere = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var streams = new List<IAsyncEnumerable<DeliveredEvent>>();
        foreach (var (member, i) in members.Select((m, i) => (m, i)))
        {
            streams.Add(await (i % 2 == 0 ? node1 : node2).SubscribeAsync(member, null, cts.Token));
        }

        for (var n = 1; n <= 300; n++)
        {
            await node1.PublishAsync(Numbered(n), [elsewhere], CancellationToken.None);
        }

        await node2.PublishAsync(Numbered(301), members, CancellationToken.None);

        foreach (var stream in streams)
        {
            Assert.Equal([301], Numbers(await TakeAsync(stream, 1, cts.Token)));
        }

        // The server's side: 301 messages for 301 events, and no consumer (live copies come by core NATS).
        var js = new NatsJSContext(buses.Connection(0));
        var info = await js.GetStreamAsync(buses.Options.StreamName, cancellationToken: cts.Token);
        Assert.Equal(301L, info.Info.State.Messages);
        Assert.Equal(0, info.Info.State.ConsumerCount);
    }

    [Fact]
    public async Task Events_whose_live_copy_the_node_dropped_are_read_from_the_stream_in_order()
    {
        var buses = Buses(nats.Server);
        // A live buffer of one: a burst from another node overflows it, and core NATS drops copies.
        var node1 = await buses.CreateAsync(buses.Options with { LiveBuffer = 1 }, TimeProvider.System);
        var node2 = await buses.CreateAsync();
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var stream = await node1.SubscribeAsync(user, null, cts.Token);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(async part =>
        {
            for (var n = 0; n < 50; n++)
            {
                await node2.PublishAsync(Numbered(0), [user], CancellationToken.None);
            }
        }));

        var events = await TakeAsync(stream, 500, cts.Token);
        var ids = events.Select(e => ulong.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(500, ids.Distinct().Count());
        Assert.True(node1.CaughtUp > 0, "The burst should have overflowed a live buffer of one.");
    }

    [Fact]
    public async Task A_stream_whose_token_ends_leaves_the_node_even_if_it_was_never_read()
    {
        var buses = Buses(nats.Server);
        var node = await buses.CreateAsync();
        using var read = new CancellationTokenSource(Wait);
        using var unread = new CancellationTokenSource(Wait);
        await using var stream = (await node.SubscribeAsync(Guid.CreateVersion7(), null, read.Token)).GetAsyncEnumerator(read.Token);
        var waiting = stream.MoveNextAsync().AsTask();
        await node.SubscribeAsync(Guid.CreateVersion7(), null, unread.Token);
        Assert.Equal(2, node.UsersListening);

        await unread.CancelAsync();
        Assert.Equal(1, node.UsersListening);
        await read.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        Assert.Equal(0, node.UsersListening);
    }

    [Fact]
    public async Task A_fan_out_past_the_recipients_of_one_message_reaches_every_recipient()
    {
        var buses = Buses(nats.Server);
        var node = await buses.CreateAsync();
        var everyone = Enumerable.Range(0, NatsEventBus.RecipientsPerMessage * 2 + 1).Select(_ => Guid.CreateVersion7()).ToArray();
        using var cts = new CancellationTokenSource(Wait);
        var (first, middle, last) = (everyone[0], everyone[NatsEventBus.RecipientsPerMessage + 7], everyone[^1]);
        var streams = new[]
        {
            await node.SubscribeAsync(first, null, cts.Token),
            await node.SubscribeAsync(middle, null, cts.Token),
            await node.SubscribeAsync(last, null, cts.Token),
        };

        await node.PublishAsync(Numbered(1), everyone, cts.Token);

        foreach (var stream in streams)
        {
            Assert.Equal([1], Numbers(await TakeAsync(stream, 1, cts.Token)));
        }

        var js = new NatsJSContext(buses.Connection(0));
        Assert.Equal(3L, (await js.GetStreamAsync(buses.Options.StreamName, cancellationToken: cts.Token)).Info.State.Messages);
    }

    [Fact]
    public async Task An_event_of_a_node_from_before_one_message_per_event_is_delivered_live_and_replayed()
    {
        var buses = Buses(nats.Server);
        var node = await buses.CreateAsync();
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var live = await node.SubscribeAsync(user, null, cts.Token);

        // What a node of the previous version publishes: one message per recipient, on the recipient's subject.
        var js = new NatsJSContext(buses.Connection(0));
        var headers = new NatsHeaders { ["Petitchat-Event"] = "reaction" };
        var body = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Numbered(1), PetitChat.Infrastructure.Nats.NatsJsonContext.Default.ReactionChanged);
        (await js.PublishAsync($"{buses.Options.SubjectPrefix}.user.{user:N}", body, headers: headers, cancellationToken: cts.Token)).EnsureSuccess();
        await Publish(node, user, 2);

        var events = await TakeAsync(live, 2, cts.Token);
        Assert.Equal([1, 2], Numbers(events));
        var replayed = await node.SubscribeAsync(user, "0", cts.Token);
        Assert.Equal([1, 2], Numbers(await TakeAsync(replayed, 2, cts.Token)));
    }

    [Fact]
    public async Task A_client_further_behind_than_the_replay_bound_gets_a_reset()
    {
        var buses = Buses(nats.Server);
        var node = await buses.CreateAsync(buses.Options with { MaxReplay = 5 }, TimeProvider.System);
        var (user, other) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await Publish(node, user, 1);
        for (var n = 2; n <= 7; n++)
        {
            await node.PublishAsync(Numbered(n), [other], CancellationToken.None);
        }

        using var cts = new CancellationTokenSource(Wait);
        var far = await node.SubscribeAsync(user, "1", cts.Token);
        Assert.IsType<StreamReset>((await TakeAsync(far, 1, cts.Token))[0].Event);
        var near = await node.SubscribeAsync(user, "3", cts.Token);
        await Publish(node, user, 8);
        Assert.Equal([8], Numbers(await TakeAsync(near, 1, cts.Token)));
    }

    [Fact]
    public async Task A_stream_made_by_an_earlier_version_is_replaced_and_its_ids_give_a_reset()
    {
        var buses = Buses(nats.Server);
        var js = new NatsJSContext(new NatsConnection(NatsBusExtensions.ConnectionOptions(buses.Options)));
        await js.CreateStreamAsync(new NATS.Client.JetStream.Models.StreamConfig(buses.Options.StreamName, [$"{buses.Options.SubjectPrefix}.user.*"]));
        var user = Guid.CreateVersion7();
        for (var n = 0; n < 3; n++)
        {
            (await js.PublishAsync($"{buses.Options.SubjectPrefix}.user.{user:N}", "{}"u8.ToArray())).EnsureSuccess();
        }

        var node = await buses.CreateAsync();
        using var cts = new CancellationTokenSource(Wait);
        var stream = await node.SubscribeAsync(user, null, cts.Token);
        await Publish(node, user, 1);

        var first = (await TakeAsync(stream, 1, cts.Token))[0];
        Assert.Equal(1, Number(first));
        Assert.True(ulong.Parse(first.Id!, System.Globalization.CultureInfo.InvariantCulture) > 3, $"The new stream's ids go on after the old ones; got {first.Id}.");
        var config = (await js.GetStreamAsync(buses.Options.StreamName, cancellationToken: cts.Token)).Info.Config;
        Assert.Equal([$"{buses.Options.SubjectPrefix}.events", $"{buses.Options.SubjectPrefix}.user.*"], config.Subjects);
        Assert.Equal($"{buses.Options.SubjectPrefix}.live.>", config.Republish?.Dest);
        foreach (var oldId in new[] { "2", "3" })
        {
            var resumed = await node.SubscribeAsync(user, oldId, cts.Token);
            Assert.IsType<StreamReset>((await TakeAsync(resumed, 1, cts.Token))[0].Event);
        }

        await js.Connection.DisposeAsync();
    }

    [Fact]
    public async Task Start_up_creates_the_stream_and_a_second_start_with_other_settings_updates_it()
    {
        var buses = Buses(nats.Server);
        await buses.CreateAsync(buses.Options with { Retention = TimeSpan.FromHours(24) }, TimeProvider.System);
        await buses.CreateAsync(buses.Options with { Retention = TimeSpan.FromHours(24) }, TimeProvider.System);
        await buses.CreateAsync(buses.Options with { Retention = TimeSpan.FromHours(2) }, TimeProvider.System);

        var js = new NatsJSContext(buses.Connection(0));
        var stream = await js.GetStreamAsync(buses.Options.StreamName);
        Assert.Equal(TimeSpan.FromHours(2), stream.Info.Config.MaxAge);
        Assert.Equal([$"{buses.Options.SubjectPrefix}.events", $"{buses.Options.SubjectPrefix}.user.*"], stream.Info.Config.Subjects);
    }

    [Fact]
    public async Task A_publish_while_NATS_is_down_fails_clearly_and_what_was_acknowledged_survives()
    {
        var server = await OwnServerAsync();
        var buses = Buses(server);
        var node = await buses.CreateAsync(buses.Options with { RequestTimeout = TimeSpan.FromSeconds(1) }, TimeProvider.System);
        var user = Guid.CreateVersion7();
        await Publish(node, user, 1);

        await server.StopAsync();
        var failure = await Assert.ThrowsAsync<EventBusUnavailableException>(() => node.PublishAsync(Numbered(2), [user], CancellationToken.None));
        Assert.Contains("NATS", failure.Message, StringComparison.Ordinal);
        await server.StartAgainAsync();

        using var cts = new CancellationTokenSource(Wait);
        var replayed = await SubscribeOnceNatsIsBackAsync(node, user, "0", cts.Token);
        Assert.Equal(1, Numbers(await TakeAsync(replayed, 1, cts.Token))[0]);
    }

    [Fact]
    public async Task Subscribers_get_what_is_published_after_NATS_restarts_without_resubscribing()
    {
        var server = await OwnServerAsync();
        var buses = Buses(server);
        var options = buses.Options with { RequestTimeout = TimeSpan.FromSeconds(2) };
        var (node1, node2) = (await buses.CreateAsync(options, TimeProvider.System), await buses.CreateAsync(options, TimeProvider.System));
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait * 2);
        var stream = (await node2.SubscribeAsync(user, null, cts.Token)).GetAsyncEnumerator(cts.Token);
        await Publish(node1, user, 1);
        Assert.True(await stream.MoveNextAsync());
        var first = stream.Current;

        await server.StopAsync();
        await server.StartAgainAsync();
        await PublishOnceNatsIsBackAsync(node1, user, 2, cts.Token);
        await Publish(node1, user, 3);

        var ids = new List<ulong> { ulong.Parse(first.Id!, System.Globalization.CultureInfo.InvariantCulture) };
        var numbers = new List<int> { Number(first) };
        while (!numbers.Contains(3) && await stream.MoveNextAsync())
        {
            ids.Add(ulong.Parse(stream.Current.Id!, System.Globalization.CultureInfo.InvariantCulture));
            numbers.Add(Number(stream.Current));
        }

        Assert.Equal([1, 2, 3], numbers);
        Assert.Equal(ids.Order(), ids);
        await stream.DisposeAsync();
    }

    [Fact]
    public async Task The_bus_signs_in_with_a_user_and_password_and_a_wrong_password_stops_it_clearly()
    {
        var server = await OwnServerAsync("--user", "petitchat", "--pass", "s3cret");
        var buses = Buses(server);
        var node = await buses.CreateAsync(buses.Options with { Username = "petitchat", Password = "s3cret" }, TimeProvider.System);
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var stream = await node.SubscribeAsync(user, null, cts.Token);
        await Publish(node, user, 1);
        Assert.Equal([1], Numbers(await TakeAsync(stream, 1, cts.Token)));

        var refused = await Assert.ThrowsAnyAsync<NatsException>(() =>
            buses.CreateAsync(buses.Options with { Username = "petitchat", Password = "wrong" }, TimeProvider.System));
        Assert.Contains("authorization", refused.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_bus_signs_in_with_a_token()
    {
        var server = await OwnServerAsync("--auth", "a-token");
        var buses = Buses(server);
        var node = await buses.CreateAsync(buses.Options with { Token = "a-token" }, TimeProvider.System);
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var stream = await node.SubscribeAsync(user, null, cts.Token);

        await Publish(node, user, 1);

        Assert.Equal([1], Numbers(await TakeAsync(stream, 1, cts.Token)));
    }

    [Fact]
    public async Task A_repeat_of_a_new_signal_whose_first_publish_died_with_its_node_reaches_the_subscriber()
    {
        var buses = Buses(nats.Server);
        var (node1, node2) = (await buses.CreateAsync(), await buses.CreateAsync());
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var stream = await node1.SubscribeAsync(user, null, cts.Token);
        var signal = new PetitChat.Core.Signals.Signal(Guid.CreateVersion7(), Guid.CreateVersion7(), PetitChat.Core.Signals.SignalKind.Message,
            Guid.CreateVersion7(), "stored, then its node was killed", "c-1", DateTimeOffset.UtcNow, MemberId: null, CallUrl: null, Reactions: []);

        // The first attempt stored the signal and died before publishing: only the repeat publishes.
        await node2.PublishAsync(new SignalCreated(signal) { Repeat = true }, [user], cts.Token);

        Assert.Equal(signal.Id, Assert.IsType<SignalCreated>((await TakeAsync(stream, 1, cts.Token))[0].Event).Signal.Id);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // xunit 2 disposes test classes through IAsyncLifetime only.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    public async ValueTask DisposeAsync()
    {
        foreach (var buses in _buses)
        {
            await buses.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private NatsBuses Buses(NatsServer server)
    {
        var buses = new NatsBuses(server.Url);
        _buses.Add(buses);
        return buses;
    }

    /// <summary>A server of the test's own, for tests that stop it.</summary>
    private async Task<NatsServer> OwnServerAsync(params string[] arguments)
    {
        var server = await NatsServer.StartAsync(arguments);
        _servers.Add(server);
        return server;
    }

    /// <summary>Retries opening a stream until NATS answers, as a client retries after a 503.</summary>
    private static async Task<IAsyncEnumerable<DeliveredEvent>> SubscribeOnceNatsIsBackAsync(NatsEventBus bus, Guid user, string? lastEventId, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                return await bus.SubscribeAsync(user, lastEventId, ct);
            }
            catch (EventBusUnavailableException)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>Retries a publish until NATS takes it: the client reconnects by itself, after a moment.</summary>
    private static async Task PublishOnceNatsIsBackAsync(NatsEventBus bus, Guid user, int n, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await bus.PublishAsync(Numbered(n), [user], ct);
                return;
            }
            catch (EventBusUnavailableException)
            {
                ct.ThrowIfCancellationRequested();
            }
        }
    }

    private static ReactionChanged Numbered(int n) => new(Guid.Empty, Guid.Empty, Guid.Empty, "👍", true, n);

    private static async Task Publish(NatsEventBus bus, Guid user, params int[] numbers)
    {
        foreach (var n in numbers)
        {
            await bus.PublishAsync(Numbered(n), [user], CancellationToken.None);
        }
    }

    private static int Number(DeliveredEvent e) => Assert.IsType<ReactionChanged>(e.Event).Count;

    private static List<int> Numbers(IEnumerable<DeliveredEvent> events) => [.. events.Select(Number)];

    private static async Task<List<DeliveredEvent>> TakeAsync(IAsyncEnumerable<DeliveredEvent> stream, int count, CancellationToken ct)
    {
        var taken = new List<DeliveredEvent>(count);
        await foreach (var e in stream.WithCancellation(ct))
        {
            taken.Add(e);
            if (taken.Count == count)
            {
                break;
            }
        }

        Assert.Equal(count, taken.Count);
        return taken;
    }
}
