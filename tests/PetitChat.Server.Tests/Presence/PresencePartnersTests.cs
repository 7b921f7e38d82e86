using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Presence;

/// <summary>
/// Who gets a user's presence events, and who may read it, follows the chats at once: a chat
/// created, a member added or removed. The presence server keeps partner sets for an hour, so what
/// these tests see is the drop that the change made, never an entry that expired.
/// </summary>
public sealed class PresencePartnersTests(PresenceServer server) : PresenceTest(server)
{
    [Fact]
    public async Task A_status_change_right_after_a_group_is_created_reaches_the_new_partner()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await using var aliceEvents = await alice.OpenEventsAsync();
        // Her own online event went out to her partners as they were then (nobody): that set is cached.
        await aliceEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));
        await using var bobEvents = await bob.OpenEventsAsync();

        await alice.CreateGroupAsync("new team", bob);
        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { text = "Hello team", availability = "busy" }).OkJsonAsync();

        var seen = await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "busy"), TimeSpan.FromSeconds(5));
        Assert.Equal("Hello team", seen.Data.GetProperty("status").Str("text"));
    }

    [Fact]
    public async Task A_direct_chat_created_lets_each_read_the_other_and_see_their_changes()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await using var aliceEvents = await alice.OpenEventsAsync();
        await using var bobEvents = await bob.OpenEventsAsync();
        await aliceEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));
        await bobEvents.NextAsync(e => IsPresenceOf(e, bob, "online"));

        await bob.CreateDirectAsync(alice);
        await bob.Http.PutAsJsonAsync("/api/v1/me/status", new { availability = "dnd" }).OkJsonAsync();

        await aliceEvents.NextAsync(e => IsPresenceOf(e, bob, "dnd"), TimeSpan.FromSeconds(5));
        Assert.Equal("online", (await PresenceOfAsync(bob, alice)).Str("state"));
    }

    [Fact]
    public async Task A_member_added_gets_the_groups_changes_and_a_removed_one_stops_getting_them_and_reading_them()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var group = (await alice.CreateGroupAsync("team", bob)).Id();
        await using var aliceEvents = await alice.OpenEventsAsync();
        await aliceEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));
        await using var bobEvents = await bob.OpenEventsAsync();
        await using var carolEvents = await carol.OpenEventsAsync();

        await alice.Http.PostJson($"/api/v1/chats/{group}/members", new { userId = carol.Id }).OkJsonAsync();
        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { text = "with carol" }).OkJsonAsync();
        await carolEvents.NextAsync(e => HasStatusText(e, alice.Id, "with carol"), TimeSpan.FromSeconds(5));
        // Carol read Alice's presence as a member: her partners are cached too.
        Assert.Equal("online", (await PresenceOfAsync(carol, alice)).Str("state"));

        (await alice.DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}")).Dispose();
        await carol.GetRawAsync($"/api/v1/users/{alice.Id}/presence").ProblemAsync(404);
        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { text = "without carol" }).OkJsonAsync();

        await bobEvents.NextAsync(e => HasStatusText(e, alice.Id, "without carol"), TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => carolEvents.NextAsync(
            e => HasStatusText(e, alice.Id, "without carol"), TimeSpan.FromSeconds(1)));
    }

}
