using System.Net;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

public sealed class EventsApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task Members_get_new_signals_reactions_and_receipts_live()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await using var bobsStream = await bob.OpenEventsAsync();

        var sent = await alice.SendAsync(chat, "live!");
        var signal = await bobsStream.NextAsync(e => e.Type == "signal");
        using (var put = await alice.PutRawAsync($"/api/v1/chats/{chat}/signals/{sent.Id()}/reactions/{Uri.EscapeDataString("👀")}"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, put.StatusCode);
        }

        var reaction = await bobsStream.NextAsync(e => e.Type == "reaction");
        await bob.MarkAsync(chat, sent.Id(), "read");
        var receipt = await bobsStream.NextAsync(e => e.Type == "receipt" && e.Data.Str("state") == "read");

        Assert.False(string.IsNullOrEmpty(signal.Id));
        Assert.Equal(sent.Id(), signal.Data.Id());
        Assert.Equal("live!", signal.Data.Str("text"));
        Assert.Equal(sent.Id(), reaction.Data.GetProperty("signalId").GetGuid());
        Assert.Equal("👀", reaction.Data.Str("emoji"));
        Assert.Equal(1, reaction.Data.GetProperty("count").GetInt32());
        Assert.True(reaction.Data.GetProperty("added").GetBoolean());
        Assert.Equal(bob.Id, receipt.Data.GetProperty("userId").GetGuid());
    }

    [Fact]
    public async Task A_stream_resumed_with_last_event_id_gets_every_missed_event_once_in_order()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        string lastSeen;
        await using (var first = await bob.OpenEventsAsync())
        {
            await alice.SendAsync(chat, "before the drop");
            lastSeen = (await first.NextAsync(e => e.Type == "signal")).Id!;
        }

        var missed = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            missed.Add((await alice.SendAsync(chat, $"missed {i}")).Id());
        }

        await using var resumed = await bob.OpenEventsAsync(lastSeen);
        var live = (await alice.SendAsync(chat, "live again")).Id();
        var got = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            got.Add((await resumed.NextAsync()).Data.Id());
        }

        Assert.Equal([.. missed, live], got);
        Assert.True(await resumed.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task Resuming_from_an_unknown_id_gives_a_reset_event()
    {
        var bob = await NewChatterAsync();

        await using var stream = await bob.OpenEventsAsync("from-another-life-42");

        Assert.Equal("reset", (await stream.NextAsync()).Type);
    }

    [Fact]
    public async Task A_ticket_opens_the_stream_once_without_a_bearer_token()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var ticket = (await bob.PostRawAsync("/api/v1/events/tickets", new { }).OkJsonAsync()).Str("ticket");
        using var browser = new HttpClient { BaseAddress = Server.BaseAddress };

        await using (var stream = await EventStream.OpenAsync(browser, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events?ticket={ticket}")))
        {
            await alice.SendAsync(chat, "via ticket");
            Assert.Equal("via ticket", (await stream.NextAsync(e => e.Type == "signal")).Data.Str("text"));
        }

        var reuse = await Assert.ThrowsAsync<HttpRequestException>(() =>
            EventStream.OpenAsync(browser, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events?ticket={ticket}")));
        Assert.Equal(HttpStatusCode.Unauthorized, reuse.StatusCode);
        var none = await Assert.ThrowsAsync<HttpRequestException>(() =>
            EventStream.OpenAsync(browser, new HttpRequestMessage(HttpMethod.Get, "/api/v1/events")));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
    }

    [Fact]
    public async Task A_removed_member_gets_the_removal_then_nothing_more_from_the_chat()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var group = (await alice.CreateGroupAsync("Team", bob, carol)).Id();
        await using var carolsStream = await carol.OpenEventsAsync();

        (await alice.DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}")).Dispose();
        var left = await carolsStream.NextAsync(e => e.Type == "signal");
        var removed = await carolsStream.NextAsync(e => e.Type == "chat");
        var signal = (await alice.SendAsync(group, "after carol left")).Id();
        (await bob.PutRawAsync($"/api/v1/chats/{group}/signals/{signal}/reactions/{Uri.EscapeDataString("👍")}")).Dispose();

        Assert.Equal("member_left", left.Data.Str("kind"));
        Assert.True(removed.Data.GetProperty("removed").GetBoolean());
        Assert.True(await carolsStream.StaysQuietAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task A_new_member_hears_about_the_chat_and_what_follows()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var group = (await alice.CreateGroupAsync("Team", bob)).Id();
        await using var carolsStream = await carol.OpenEventsAsync();

        (await alice.PostRawAsync($"/api/v1/chats/{group}/members", new { userId = carol.Id })).Dispose();
        var joined = await carolsStream.NextAsync(e => e.Type == "signal");
        await bob.SendAsync(group, "welcome");
        var welcome = await carolsStream.NextAsync(e => e.Type == "signal");

        Assert.Equal("member_joined", joined.Data.Str("kind"));
        Assert.Equal("welcome", welcome.Data.Str("text"));
    }

    [Fact]
    public async Task Creating_a_chat_tells_its_members()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        await using var bobsStream = await bob.OpenEventsAsync();

        var chat = (await alice.CreateGroupAsync("New", bob)).Id();

        var created = await bobsStream.NextAsync(e => e.Type == "chat");
        Assert.Equal(chat, created.Data.GetProperty("chatId").GetGuid());
        Assert.False(created.Data.GetProperty("removed").GetBoolean());
    }
}
