using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// Sends take a chat's members from memory (RosterCache): every change of members must be seen by
/// the very next send, on the node that made it. Each test sends first, so that the chat is cached.
/// </summary>
public class MembershipChangeTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task A_removed_member_cannot_send_right_after_the_removal()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var group = (await alice.CreateGroupAsync("Team", bob, carol)).Id();
        await carol.SendAsync(group, "while a member");

        (await alice.DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}")).Dispose();

        await carol.PostRawAsync($"/api/v1/chats/{group}/signals", new { text = "after removal", clientId = "c2" }).ProblemAsync(404);
    }

    [Fact]
    public async Task A_member_who_left_cannot_send_and_gets_nothing_more_live()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var group = (await alice.CreateGroupAsync("Team", bob)).Id();
        await alice.SendAsync(group, "hello");
        await using var bobsStream = await bob.OpenEventsAsync();

        (await bob.DeleteRawAsync($"/api/v1/chats/{group}/members/{bob.Id}")).Dispose();
        await bobsStream.NextAsync(e => e.Type == "chat" && e.Data.GetProperty("removed").GetBoolean());
        await bob.PostRawAsync($"/api/v1/chats/{group}/signals", new { text = "after leaving", clientId = "b2" }).ProblemAsync(404);
        await alice.SendAsync(group, "after bob left");

        Assert.True(await bobsStream.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task A_member_added_gets_the_very_next_message_live_and_can_send()
    {
        var (alice, bob, dave) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("dave"));
        var group = (await alice.CreateGroupAsync("Team", bob)).Id();
        await alice.SendAsync(group, "before dave");
        await using var davesStream = await dave.OpenEventsAsync();

        (await alice.PostRawAsync($"/api/v1/chats/{group}/members", new { userId = dave.Id })).Dispose();
        await alice.SendAsync(group, "welcome dave");

        Assert.Equal("welcome dave", (await davesStream.NextAsync(e => e.Type == "signal" && e.Data.Str("text") == "welcome dave")).Data.Str("text"));
        Assert.Equal("thanks", (await dave.SendAsync(group, "thanks")).Str("text"));
    }
}
