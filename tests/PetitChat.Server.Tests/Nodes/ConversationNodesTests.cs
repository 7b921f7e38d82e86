using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Nodes;

/// <summary>
/// Typing, edits and deletes (issue 12) with two nodes on one nats-server: typing goes through
/// core NATS, throttled per user and chat whichever node each call lands on; edits and deletes
/// resume on the other node. The throttle is a minute here, so that "no second event" does not
/// depend on how fast the machine is.
/// </summary>
public sealed class ConversationNodesTests() : NatsNodesTest(Settings)
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Typing:Throttle"] = "00:01:00" };

    [Fact]
    public async Task Typing_on_one_node_reaches_a_member_on_the_other_once_per_throttle_and_never_a_non_member()
    {
        var (alice, bob, carol) = (await Nodes.NewChatterAsync("alice"), await Nodes.NewChatterAsync("bob"), await Nodes.NewChatterAsync("carol"));
        var chat = (await alice.On(0).CreateGroupAsync("Typing", bob.On(0))).Id();
        var carolsChat = (await alice.On(0).CreateGroupAsync("Carol's", carol.On(0))).Id();
        await using var bobs = await bob.On(1).OpenEventsAsync();
        await using var carols = await carol.On(1).OpenEventsAsync();

        Assert.Equal(204, (int)(await alice.On(0).PostRawAsync($"/api/v1/chats/{chat}/typing", new { })).StatusCode);
        var typing = await bobs.NextAsync(e => e.Type == "typing");

        Assert.Null(typing.Id);
        Assert.Equal((chat, alice.Id), (typing.Data.GetProperty("chatId").GetGuid(), typing.Data.GetProperty("userId").GetGuid()));
        // Within the throttle, on the same node and on the other: 204, and nothing more reaches Bob.
        Assert.Equal(204, (int)(await alice.On(0).PostRawAsync($"/api/v1/chats/{chat}/typing", new { })).StatusCode);
        Assert.Equal(204, (int)(await alice.On(1).PostRawAsync($"/api/v1/chats/{chat}/typing", new { })).StatusCode);
        var sent = await alice.On(1).SendAsync(chat, "typed");
        var next = await bobs.NextAsync(e => e.Type is not ("chat" or "presence"));
        Assert.Equal(("signal", sent.Id()), (next.Type, next.Data.Id()));

        // Carol shares another chat with Alice: her next event is its message, no typing before it.
        var toCarol = await alice.On(0).SendAsync(carolsChat, "hello carol");
        var carolsNext = await carols.NextAsync(e => e.Type is not ("chat" or "presence"));
        Assert.Equal(("signal", toCarol.Id()), (carolsNext.Type, carolsNext.Data.Id()));
        await carol.On(1).PostRawAsync($"/api/v1/chats/{chat}/typing", new { }).ProblemAsync(404);
    }

    [Fact]
    public async Task An_edit_and_a_delete_made_on_one_node_are_replayed_on_the_other()
    {
        var (alice, bob) = (await Nodes.NewChatterAsync("alice"), await Nodes.NewChatterAsync("bob"));
        var chat = (await alice.On(0).CreateGroupAsync("Resume", bob.On(0))).Id();
        Guid sent;
        string lastId;
        await using (var bobs = await bob.On(1).OpenEventsAsync())
        {
            sent = (await alice.On(0).SendAsync(chat, "draft")).Id();
            lastId = (await bobs.NextAsync(e => e.Type == "signal" && e.Data.Id() == sent)).Id!;
        }

        await alice.On(0).Http.PatchAsJsonAsync($"/api/v1/chats/{chat}/signals/{sent}", new { text = "final" }).OkJsonAsync();
        Assert.Equal(204, (int)(await alice.On(1).DeleteRawAsync($"/api/v1/chats/{chat}/signals/{sent}")).StatusCode);

        await using var resumed = await bob.On(0).OpenEventsAsync(lastId);
        var edited = await resumed.NextAsync(e => e.Type != "presence");
        var deleted = await resumed.NextAsync(e => e.Type != "presence");
        Assert.Equal(("signal_edited", "final"), (edited.Type, edited.Data.Str("text")));
        Assert.Equal(("signal_deleted", sent), (deleted.Type, deleted.Data.GetProperty("signalId").GetGuid()));
    }
}
