using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

public class ChatsApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_direct_chat_is_one_per_pair_whoever_opens_it()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));

        var created = await alice.CreateDirectAsync(bob);
        var again = await alice.CreateDirectAsync(bob, status: 200);
        var fromBob = await bob.CreateDirectAsync(alice, status: 200);

        Assert.Equal("direct", created.Str("kind"));
        Assert.Equal(created.Id(), again.Id());
        Assert.Equal(created.Id(), fromBob.Id());
        Assert.Equal([alice.Id, bob.Id], created.GetProperty("members").EnumerateArray().Select(m => m.Id()));
    }

    [Fact]
    public async Task Opening_the_same_direct_chat_concurrently_makes_one()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? alice : bob).PostRawAsync("/api/v1/chats", new { memberIds = new[] { i % 2 == 0 ? bob.Id : alice.Id } })));

        var ids = new HashSet<Guid>();
        foreach (var response in responses)
        {
            ids.Add((await response.ReadJsonAsync()).Id());
            response.Dispose();
        }

        Assert.Single(ids);
        Assert.Single(responses, r => (int)r.StatusCode == 201);
    }

    [Fact]
    public async Task A_group_has_a_name_and_every_member()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());

        var group = await alice.CreateGroupAsync("Lunch", bob, carol);
        var seenByCarol = await carol.GetAsync($"/api/v1/chats/{group.Id()}");

        Assert.Equal("group", group.Str("kind"));
        Assert.Equal("Lunch", seenByCarol.Str("name"));
        Assert.Equal(3, seenByCarol.GetProperty("members").GetArrayLength());
        Assert.Equal(0, seenByCarol.GetProperty("unreadCount").GetInt32());
    }

    [Fact]
    public async Task Bad_chat_requests_are_400s_naming_the_field()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());

        await alice.PostRawAsync("/api/v1/chats", new { memberIds = Array.Empty<Guid>() }).ProblemAsync(400, "memberIds");
        await alice.PostRawAsync("/api/v1/chats", new { memberIds = new[] { alice.Id } }).ProblemAsync(400, "memberIds");
        await alice.PostRawAsync("/api/v1/chats", new { memberIds = new[] { Guid.NewGuid() } }).ProblemAsync(400, "memberIds");
        await alice.PostRawAsync("/api/v1/chats", new { memberIds = new[] { bob.Id }, kind = "group" }).ProblemAsync(400, "name");
        await alice.PostRawAsync("/api/v1/chats", new { memberIds = new[] { bob.Id }, name = new string('x', 101) }).ProblemAsync(400, "name");
        await alice.PostRawAsync("/api/v1/chats", new { memberIds = "bob" }).ProblemAsync(400, "memberIds");
        await alice.PostRawAsync("/api/v1/chats", new { memberIds = new[] { bob.Id }, kind = "channel" }).ProblemAsync(400, "kind");

        var mine = await alice.GetAsync("/api/v1/chats");
        Assert.Empty(mine.Items());
    }

    [Fact]
    public async Task A_non_member_gets_404_for_a_chat_and_everything_in_it()
    {
        var (alice, bob, eve) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync("eve"));
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var signal = (await alice.SendAsync(chat, "secret")).Id();

        await eve.GetRawAsync($"/api/v1/chats/{chat}").ProblemAsync(404);
        await eve.GetRawAsync($"/api/v1/chats/{Guid.NewGuid()}").ProblemAsync(404);
        await eve.GetRawAsync($"/api/v1/chats/{chat}/signals").ProblemAsync(404);
        await eve.PostRawAsync($"/api/v1/chats/{chat}/signals", new { text = "hi", clientId = "x" }).ProblemAsync(404);
        await eve.PutRawAsync($"/api/v1/chats/{chat}/signals/{signal}/reactions/👍").ProblemAsync(404);
        await eve.GetRawAsync($"/api/v1/chats/{chat}/signals/{signal}/reactions").ProblemAsync(404);
        await eve.PostRawAsync($"/api/v1/chats/{chat}/receipts", new { signalId = signal, state = "read" }).ProblemAsync(404);
        await eve.GetRawAsync($"/api/v1/chats/{chat}/signals/{signal}/receipts").ProblemAsync(404);
        await eve.PostRawAsync($"/api/v1/chats/{chat}/members", new { userId = eve.Id }).ProblemAsync(404);
        await eve.DeleteRawAsync($"/api/v1/chats/{chat}/members/{alice.Id}").ProblemAsync(404);

        var timeline = await alice.TimelineAsync(chat);
        Assert.Single(timeline.Items());
    }

    [Fact]
    public async Task My_chats_come_most_recent_activity_first_with_unread_counts_and_last_signal()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var withBob = (await alice.CreateDirectAsync(bob)).Id();
        var withCarol = (await alice.CreateDirectAsync(carol)).Id();
        var group = (await alice.CreateGroupAsync("All", bob, carol)).Id();

        await bob.SendAsync(withBob, "one");
        await bob.SendAsync(withBob, "two");
        await carol.SendAsync(withCarol, "three");
        await alice.SendAsync(group, "mine");

        var chats = (await alice.GetAsync("/api/v1/chats")).Items();

        Assert.Equal([group, withCarol, withBob], chats.Select(c => c.Id()));
        Assert.Equal([0, 1, 2], chats.Select(c => c.GetProperty("unreadCount").GetInt32()));
        Assert.Equal("two", chats[2].GetProperty("lastSignal").Str("text"));

        await bob.SendAsync(withBob, "bump");
        var afterBump = (await alice.GetAsync("/api/v1/chats")).Items();
        Assert.Equal(withBob, afterBump[0].Id());
    }

    [Fact]
    public async Task My_chats_page_with_a_cursor()
    {
        var alice = await NewChatterAsync();
        var others = await NewChattersAsync(5);
        var chats = new List<Guid>();
        foreach (var other in others)
        {
            chats.Add((await alice.CreateDirectAsync(other)).Id());
        }

        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await alice.GetAsync("/api/v1/chats?limit=2" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}"));
            seen.AddRange(page.Items().Select(c => c.Id()));
            cursor = page.NextCursor();
        }
        while (cursor is not null);

        chats.Reverse();
        Assert.Equal(chats, seen);
    }

    [Fact]
    public async Task Adding_a_member_puts_a_member_joined_signal_in_the_timeline()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var group = (await alice.CreateGroupAsync("Team", bob)).Id();

        var chat = await alice.PostRawAsync($"/api/v1/chats/{group}/members", new { userId = carol.Id }).OkJsonAsync();
        await alice.PostRawAsync($"/api/v1/chats/{group}/members", new { userId = carol.Id }).OkJsonAsync();

        Assert.Equal(3, chat.GetProperty("members").GetArrayLength());
        var joined = Assert.Single((await carol.TimelineAsync(group)).Items());
        Assert.Equal("member_joined", joined.Str("kind"));
        Assert.Equal(carol.Id, joined.GetProperty("memberId").GetGuid());
        Assert.Equal(alice.Id, joined.GetProperty("senderId").GetGuid());
    }

    [Fact]
    public async Task Leaving_a_group_puts_member_left_in_the_timeline_and_ends_access()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var group = (await alice.CreateGroupAsync("Team", bob, carol)).Id();

        using (var left = await carol.DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}"))
        {
            Assert.Equal(204, (int)left.StatusCode);
        }

        await carol.GetRawAsync($"/api/v1/chats/{group}/signals").ProblemAsync(404);
        var signal = Assert.Single((await alice.TimelineAsync(group)).Items());
        Assert.Equal("member_left", signal.Str("kind"));
        Assert.Equal(carol.Id, signal.GetProperty("memberId").GetGuid());
        Assert.Empty((await carol.GetAsync("/api/v1/chats")).Items());
    }

    [Fact]
    public async Task Only_the_creator_removes_someone_else()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var group = (await alice.CreateGroupAsync("Team", bob, carol)).Id();

        await bob.DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}").ProblemAsync(403);
        using var removed = await alice.DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}");
        await alice.DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}").ProblemAsync(404);

        Assert.Equal(204, (int)removed.StatusCode);
        Assert.Equal(2, (await alice.GetAsync($"/api/v1/chats/{group}")).GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task A_direct_chat_keeps_its_two_members()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        await alice.PostRawAsync($"/api/v1/chats/{chat}/members", new { userId = carol.Id }).ProblemAsync(409);
        await alice.DeleteRawAsync($"/api/v1/chats/{chat}/members/{alice.Id}").ProblemAsync(409);
        await alice.PostRawAsync($"/api/v1/chats/{chat}/members", new { }).ProblemAsync(400, "userId");

        Assert.Empty((await alice.TimelineAsync(chat)).Items());
    }
}
