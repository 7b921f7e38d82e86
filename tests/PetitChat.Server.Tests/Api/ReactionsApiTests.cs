using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

public class ReactionsApiTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task Reacting_is_idempotent_and_counts_show_on_the_timeline_with_mine()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var signal = (await alice.SendAsync(chat, "react to me")).Id();
        var url = $"/api/v1/chats/{chat}/signals/{signal}/reactions/{Uri.EscapeDataString("👍")}";

        foreach (var response in new[] { await bob.PutRawAsync(url), await bob.PutRawAsync(url), await alice.PutRawAsync(url) })
        {
            Assert.Equal(204, (int)response.StatusCode);
            response.Dispose();
        }

        var seenByBob = (await bob.TimelineAsync(chat)).Items()[0].GetProperty("reactions")[0];
        Assert.Equal("👍", seenByBob.Str("emoji"));
        Assert.Equal(2, seenByBob.GetProperty("count").GetInt32());
        Assert.True(seenByBob.GetProperty("mine").GetBoolean());

        (await bob.DeleteRawAsync(url)).Dispose();
        (await bob.DeleteRawAsync(url)).Dispose();
        var seenByAlice = (await alice.TimelineAsync(chat)).Items()[0].GetProperty("reactions")[0];
        Assert.Equal(1, seenByAlice.GetProperty("count").GetInt32());
        Assert.True(seenByAlice.GetProperty("mine").GetBoolean());
        var seenByBobAfter = (await bob.TimelineAsync(chat)).Items()[0].GetProperty("reactions")[0];
        Assert.False(seenByBobAfter.GetProperty("mine").GetBoolean());
    }

    [Fact]
    public async Task Who_reacted_with_what_is_listed()
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var signal = (await alice.SendAsync(chat, "hi")).Id();
        var reactions = $"/api/v1/chats/{chat}/signals/{signal}/reactions";

        (await bob.PutRawAsync($"{reactions}/{Uri.EscapeDataString("🎉")}")).Dispose();
        (await alice.PutRawAsync($"{reactions}/{Uri.EscapeDataString("❤️")}")).Dispose();

        var items = (await alice.GetAsync(reactions)).Items();
        Assert.Equal([("🎉", bob.Id), ("❤️", alice.Id)], items.Select(r => (r.Str("emoji"), r.GetProperty("userId").GetGuid())));
    }

    [Fact]
    public async Task Concurrent_reactions_keep_the_count_equal_to_the_reactions()
    {
        var alice = await NewChatterAsync();
        var others = await NewChattersAsync(12);
        var group = (await alice.CreateGroupAsync("Many", others)).Id();
        var signal = (await alice.SendAsync(group, "vote")).Id();
        var url = $"/api/v1/chats/{group}/signals/{signal}/reactions/{Uri.EscapeDataString("🔥")}";

        // Everyone adds twice and half of them remove, all at once.
        await Task.WhenAll(others.SelectMany(o => new[] { o.PutRawAsync(url), o.PutRawAsync(url) }));
        await Task.WhenAll(others.Take(6).Select(o => o.DeleteRawAsync(url)));

        var listed = (await alice.GetAsync($"/api/v1/chats/{group}/signals/{signal}/reactions")).Items();
        var count = (await alice.TimelineAsync(group)).Items()[0].GetProperty("reactions")[0].GetProperty("count").GetInt32();
        Assert.Equal(6, listed.Length);
        Assert.Equal(6, count);
    }

    [Theory]
    [InlineData("lol")]
    [InlineData("%20")]
    [InlineData("%3Cscript%3E")]
    public async Task Something_that_is_not_an_emoji_is_a_400(string emoji)
    {
        var (alice, bob) = (await NewChatterAsync(), await NewChatterAsync());
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        var signal = (await alice.SendAsync(chat, "hi")).Id();

        await alice.PutRawAsync($"/api/v1/chats/{chat}/signals/{signal}/reactions/{emoji}").ProblemAsync(400, "emoji");

        Assert.Empty((await alice.TimelineAsync(chat)).Items()[0].GetProperty("reactions").EnumerateArray());
    }

    [Fact]
    public async Task Reacting_to_a_signal_of_another_chat_is_a_404()
    {
        var (alice, bob, carol) = (await NewChatterAsync(), await NewChatterAsync(), await NewChatterAsync());
        var withBob = (await alice.CreateDirectAsync(bob)).Id();
        var withCarol = (await alice.CreateDirectAsync(carol)).Id();
        var signal = (await alice.SendAsync(withCarol, "hi")).Id();

        await bob.PutRawAsync($"/api/v1/chats/{withBob}/signals/{signal}/reactions/{Uri.EscapeDataString("👍")}").ProblemAsync(404);
    }
}
