using System.Net;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Testing;

namespace PetitChat.Server.Tests.Nodes;

/// <summary>Nodes and NATS going away: each test has its own nodes and nats-server, since it stops them.</summary>
public sealed class NatsNodeFaultTests
{
    [Fact]
    public async Task A_client_whose_node_stops_mid_stream_resumes_on_the_other_node_without_gap_or_duplicate()
    {
        await using var nodes = await StartAsync();
        var (alice, bob) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var chat = (await alice.On(0).CreateDirectAsync(bob.On(0))).Id();
        var stream = await bob.On(1).OpenEventsAsync();
        await alice.On(0).SendAsync(chat, "before");
        var lastSeen = (await stream.NextAsync(e => e.Type == "signal")).Id!;

        await nodes.StopNodeAsync(1);
        await Assert.ThrowsAnyAsync<Exception>(async () => await stream.NextAsync(TimeSpan.FromSeconds(5)));
        await stream.DisposeAsync();
        await alice.On(0).SendAsync(chat, "while bob moves 1");
        await alice.On(0).SendAsync(chat, "while bob moves 2");

        await using var resumed = await bob.On(0).OpenEventsAsync(lastSeen);
        await alice.On(0).SendAsync(chat, "after");
        var got = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            got.Add((await resumed.NextAsync()).Data.Str("text"));
        }

        Assert.Equal(["while bob moves 1", "while bob moves 2", "after"], got);
        Assert.True(await resumed.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Streams_open_while_NATS_restarts_get_what_is_posted_after_it_is_back()
    {
        await using var nodes = await StartAsync();
        var (alice, bob) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var chat = (await alice.On(0).CreateDirectAsync(bob.On(0))).Id();
        await using var bobOnNode2 = await bob.On(1).OpenEventsAsync();
        await using var aliceOnNode1 = await alice.On(0).OpenEventsAsync();
        await alice.On(0).SendAsync(chat, "before the restart");
        await bobOnNode2.NextAsync(e => e.Type == "signal");

        await nodes.Nats.StopAsync();
        await nodes.Nats.StartAgainAsync();
        var after = await SendOnceNatsIsBackAsync(alice.On(0), chat, "after the restart");

        Assert.Equal(after, (await bobOnNode2.NextAsync(e => e.Type == "signal" && e.Data.Id() == after, TimeSpan.FromSeconds(20))).Data.Id());
        Assert.Equal(after, (await aliceOnNode1.NextAsync(e => e.Type == "signal" && e.Data.Id() == after, TimeSpan.FromSeconds(20))).Data.Id());
    }

    [Fact]
    public async Task A_send_while_NATS_is_down_is_saved_answers_503_and_members_get_a_reset_once_NATS_is_back()
    {
        await using var nodes = await StartAsync();
        var (alice, bob) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var chat = (await alice.On(0).CreateDirectAsync(bob.On(0))).Id();
        await using var bobsStream = await bob.On(1).OpenEventsAsync();

        await nodes.Nats.StopAsync();
        var clientId = Guid.NewGuid().ToString();
        var problem = await alice.On(0).PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text = "during the outage", clientId })
            .ProblemAsync(503);
        var timeline = await bob.On(0).TimelineAsync(chat);
        await nodes.Nats.StartAgainAsync();
        var reset = await bobsStream.NextAsync(e => e.Type == "reset", TimeSpan.FromSeconds(20));
        var retried = await alice.On(1).PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text = "during the outage", clientId })
            .OkJsonAsync(200);

        Assert.True(problem.GetProperty("saved").GetBoolean());
        Assert.Equal("during the outage", Assert.Single(timeline.Items()).Str("text"));
        Assert.False(string.IsNullOrEmpty(reset.Id));
        Assert.Equal(timeline.Items()[0].Id(), retried.Id());
    }

    [Fact]
    public async Task A_send_while_NATS_is_down_answers_503_saved_when_the_notification_queue_is_on_NATS_too()
    {
        // Its events go out first, then its pushes are queued: each must give up in time, not wait for NATS.
        await using var nodes = new NatsNodes
        {
            Settings = new Dictionary<string, string?> { ["Notifications:Kind"] = "nats", ["Notifications:Nats:RequestTimeout"] = "00:00:01" },
        };
        await nodes.InitializeAsync();
        var (alice, bob) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var chat = (await alice.On(0).CreateDirectAsync(bob.On(0))).Id();

        await nodes.Nats.StopAsync();
        var problem = await alice.On(0).PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text = "during the outage", clientId = Guid.NewGuid().ToString() })
            .ProblemAsync(503);
        var timeline = await bob.On(0).TimelineAsync(chat);

        Assert.True(problem.GetProperty("saved").GetBoolean());
        Assert.Equal("during the outage", Assert.Single(timeline.Items()).Str("text"));
    }

    [Fact]
    public async Task A_member_gets_a_send_live_before_a_notification_queue_that_is_down_gives_up_on_its_pushes()
    {
        // The queue on a nats-server of its own, stopped; the bus's stays up. The events go out
        // before the pushes are queued, so bob has the message while the send still waits for the
        // queue (RequestTimeout), and the send is saved (503) for its retry to queue the pushes.
        await using var queueNats = await NatsServer.StartAsync();
        await using var nodes = new NatsNodes
        {
            Count = 1,
            Settings = new Dictionary<string, string?>
            {
                ["Notifications:Kind"] = "nats",
                ["Notifications:Nats:Url"] = queueNats.Url,
                ["Notifications:Nats:RequestTimeout"] = "00:00:20",
            },
        };
        await nodes.InitializeAsync();
        var (alice, bob) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var chat = (await alice.On(0).CreateDirectAsync(bob.On(0))).Id();
        await using var bobsStream = await bob.On(0).OpenEventsAsync();

        await queueNats.StopAsync();
        var send = alice.On(0).PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text = "live first", clientId = Guid.NewGuid().ToString() });
        var signal = await bobsStream.NextAsync(e => e.Type == "signal", TimeSpan.FromSeconds(15));
        var answeredBeforeTheEvent = send.IsCompleted;
        var problem = await send.ProblemAsync(503);

        Assert.Equal("live first", signal.Data.Str("text"));
        Assert.False(answeredBeforeTheEvent);
        Assert.True(problem.GetProperty("saved").GetBoolean());
    }

    [Fact]
    public async Task Opening_a_stream_while_NATS_is_down_answers_503()
    {
        await using var nodes = await StartAsync();
        var bob = await nodes.NewChatterAsync();

        await nodes.Nats.StopAsync();
        using var response = await bob.On(1).GetRawAsync("/api/v1/events");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    private static async Task<NatsNodes> StartAsync()
    {
        var nodes = new NatsNodes();
        await nodes.InitializeAsync();
        return nodes;
    }

    /// <summary>Sends until a send is taken whole (201): nodes reconnect to NATS by themselves, after a moment.</summary>
    private static async Task<Guid> SendOnceNatsIsBackAsync(Chatter sender, Guid chat, string text)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var response = await sender.PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text, clientId = Guid.NewGuid().ToString() });
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return (await response.ReadJsonAsync()).Id();
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            deadline.Token.ThrowIfCancellationRequested();
        }
    }
}
