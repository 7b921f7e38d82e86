using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Nodes;

/// <summary>Two server nodes on one store and one nats-server: what a user sees does not depend on the node.</summary>
[Collection(NatsNodesCollection.Name)]
public sealed class NatsNodesTests(NatsNodes nodes)
{
    [Fact]
    public async Task A_member_connected_to_node_2_gets_live_what_is_posted_on_node_1()
    {
        var (alice, bob) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var chat = (await alice.On(0).CreateDirectAsync(bob.On(0))).Id();
        await using var bobsStream = await bob.On(1).OpenEventsAsync();

        var sent = await alice.On(0).SendAsync(chat, "from node 1");
        var signal = await bobsStream.NextAsync(e => e.Type == "signal");
        (await alice.On(0).PutRawAsync($"/api/v1/chats/{chat}/signals/{sent.Id()}/reactions/{Uri.EscapeDataString("🎉")}")).Dispose();
        var reaction = await bobsStream.NextAsync(e => e.Type == "reaction");

        Assert.Equal(sent.Id(), signal.Data.Id());
        Assert.Equal("from node 1", signal.Data.Str("text"));
        Assert.Equal("🎉", reaction.Data.Str("emoji"));
    }

    [Fact]
    public async Task A_client_moved_to_the_other_node_mid_conversation_gets_every_missed_event_once_in_order()
    {
        var (alice, bob) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var group = (await alice.On(0).CreateGroupAsync("Moving", bob.On(0))).Id();
        string lastSeen;
        await using (var onNode2 = await bob.On(1).OpenEventsAsync())
        {
            await alice.On(0).SendAsync(group, "one");
            await alice.On(1).SendAsync(group, "two");
            await onNode2.NextAsync(e => e.Type == "signal" && e.Data.Str("text") == "one");
            lastSeen = (await onNode2.NextAsync(e => e.Type == "signal" && e.Data.Str("text") == "two")).Id!;
        }

        var missed = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            missed.Add((await alice.On(i % 2).SendAsync(group, $"missed {i}")).Str("text"));
        }

        await using var onNode1 = await bob.On(0).OpenEventsAsync(lastSeen);
        await alice.On(1).SendAsync(group, "live again");
        var got = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            got.Add((await onNode1.NextAsync()).Data.Str("text"));
        }

        Assert.Equal([.. missed, "live again"], got);
        Assert.True(await onNode1.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_removed_member_stops_receiving_on_every_node()
    {
        var (alice, bob, carol) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var group = (await alice.On(0).CreateGroupAsync("Team", bob.On(0), carol.On(0))).Id();
        await using var carolOnNode1 = await carol.On(0).OpenEventsAsync();
        await using var carolOnNode2 = await carol.On(1).OpenEventsAsync();
        await using var bobOnNode2 = await bob.On(1).OpenEventsAsync();

        (await alice.On(1).DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}")).Dispose();
        foreach (var stream in new[] { carolOnNode1, carolOnNode2 })
        {
            var removed = await stream.NextAsync(e => e.Type == "chat" && e.Data.GetProperty("removed").GetBoolean());
            Assert.Equal(group, removed.Data.GetProperty("chatId").GetGuid());
        }

        await alice.On(0).SendAsync(group, "after carol left");
        await bob.On(1).SendAsync(group, "on the other node too");

        Assert.Equal("on the other node too", (await bobOnNode2.NextAsync(e => e.Type == "signal" && e.Data.Str("text") == "on the other node too")).Data.Str("text"));
        Assert.True(await carolOnNode1.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
        Assert.True(await carolOnNode2.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_ticket_issued_on_one_node_opens_a_stream_on_the_other_once()
    {
        var (alice, bob) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var chat = (await alice.On(0).CreateDirectAsync(bob.On(0))).Id();
        var ticket = (await bob.On(0).PostRawAsync("/api/v1/events/tickets", new { }).OkJsonAsync()).Str("ticket");
        using var browserOnNode2 = new HttpClient { BaseAddress = nodes.Nodes[1].BaseAddress };
        using var browserOnNode1 = new HttpClient { BaseAddress = nodes.Nodes[0].BaseAddress };

        await using (var stream = await EventStream.OpenAsync(browserOnNode2, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events?ticket={ticket}")))
        {
            await alice.On(0).SendAsync(chat, "via a ticket from the other node");
            Assert.Equal("via a ticket from the other node", (await stream.NextAsync(e => e.Type == "signal")).Data.Str("text"));
        }

        var reuse = await Assert.ThrowsAsync<HttpRequestException>(() =>
            EventStream.OpenAsync(browserOnNode1, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events?ticket={ticket}")));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, reuse.StatusCode);
    }

    [Fact]
    public async Task An_id_the_stream_never_had_gives_a_reset_on_any_node()
    {
        var bob = await nodes.NewChatterAsync();

        await using var onNode1 = await bob.On(0).OpenEventsAsync("999999999");
        await using var onNode2 = await bob.On(1).OpenEventsAsync("from-another-life");

        Assert.Equal("reset", (await onNode1.NextAsync()).Type);
        Assert.Equal("reset", (await onNode2.NextAsync()).Type);
    }
}
