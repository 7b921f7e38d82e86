using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

public sealed class ReceiptsApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task Who_received_and_who_saw_follow_the_members_pointers()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var group = (await alice.CreateGroupAsync("Team", bob, carol)).Id();
        var first = (await alice.SendAsync(group, "one")).Id();
        var second = (await alice.SendAsync(group, "two")).Id();

        await bob.MarkAsync(group, second, "read");
        await carol.MarkAsync(group, first, "delivered");

        var onFirst = await alice.GetAsync($"/api/v1/chats/{group}/signals/{first}/receipts");
        var onSecond = await alice.GetAsync($"/api/v1/chats/{group}/signals/{second}/receipts");
        Assert.Equal(new[] { bob.Id, carol.Id }.Order(), Users(onFirst, "deliveredTo").Order());
        Assert.Equal([bob.Id], Users(onFirst, "readBy"));
        Assert.Equal([bob.Id], Users(onSecond, "deliveredTo"));
        Assert.Equal([bob.Id], Users(onSecond, "readBy"));
        Assert.True(onSecond.GetProperty("readBy")[0].GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public async Task Pointers_only_move_forward()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var first = (await alice.SendAsync(chat, "one")).Id();
        var second = (await alice.SendAsync(chat, "two")).Id();

        var forward = await bob.MarkAsync(chat, second, "read");
        var back = await bob.MarkAsync(chat, first, "read");
        var backDelivered = await bob.MarkAsync(chat, first, "delivered");

        Assert.True(forward.GetProperty("readMoved").GetBoolean());
        Assert.True(forward.GetProperty("deliveredMoved").GetBoolean());
        Assert.False(back.GetProperty("readMoved").GetBoolean());
        Assert.False(backDelivered.GetProperty("deliveredMoved").GetBoolean());
        Assert.Equal([bob.Id], Users(await alice.GetAsync($"/api/v1/chats/{chat}/signals/{second}/receipts"), "readBy"));
    }

    [Fact]
    public async Task Reading_or_replying_brings_the_unread_count_down_and_my_own_messages_never_count()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await alice.SendAsync(chat, "one");
        var second = (await alice.SendAsync(chat, "two"));
        await alice.SendAsync(chat, "three");

        Assert.Equal(3, await UnreadAsync(bob, chat));
        Assert.Equal(0, await UnreadAsync(alice, chat));
        await bob.MarkAsync(chat, second.Id(), "read");
        Assert.Equal(1, await UnreadAsync(bob, chat));

        // Sending is reading: a reply moves my pointers to it (docs/decisions/0001).
        await bob.SendAsync(chat, "bob's own");
        Assert.Equal(0, await UnreadAsync(bob, chat));
        Assert.Equal(1, await UnreadAsync(alice, chat));
    }

    [Fact]
    public async Task The_sender_is_not_listed_as_having_seen_their_own_message()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var signal = (await alice.SendAsync(chat, "one")).Id();

        var receipts = await alice.GetAsync($"/api/v1/chats/{chat}/signals/{signal}/receipts");

        Assert.Empty(Users(receipts, "readBy"));
        Assert.Empty(Users(receipts, "deliveredTo"));
    }

    [Fact]
    public async Task Bad_receipts_are_400s_naming_the_field()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var elsewhere = (await alice.SendAsync((await alice.CreateDirectAsync(carol)).Id(), "x")).Id();
        var signal = (await alice.SendAsync(chat, "one")).Id();

        await bob.PostRawAsync($"/api/v1/chats/{chat}/receipts", new { signalId = signal, state = "seen" }).ProblemAsync(400, "state");
        await bob.PostRawAsync($"/api/v1/chats/{chat}/receipts", new { signalId = signal }).ProblemAsync(400, "state");
        await bob.PostRawAsync($"/api/v1/chats/{chat}/receipts", new { state = "read" }).ProblemAsync(400, "signalId");
        await bob.PostRawAsync($"/api/v1/chats/{chat}/receipts", new { signalId = elsewhere, state = "read" }).ProblemAsync(400, "signalId");

        Assert.Equal(1, await UnreadAsync(bob, chat));
    }

    private static async Task<int> UnreadAsync(Chatter chatter, Guid chat) =>
        (await chatter.GetAsync($"/api/v1/chats/{chat}")).GetProperty("unreadCount").GetInt32();

    private static Guid[] Users(System.Text.Json.JsonElement receipts, string list) =>
        [.. receipts.GetProperty(list).EnumerateArray().Select(r => r.GetProperty("userId").GetGuid())];
}
