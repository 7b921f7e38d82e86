using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Presence;

public sealed class PresenceApiTests(PresenceServer server) : PresenceTest(server)
{
    [Fact]
    public async Task A_partner_sees_online_when_a_stream_opens_and_offline_after_the_grace()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        Assert.Equal("offline", (await PresenceOfAsync(bob, alice)).Str("state"));
        await using var bobEvents = await bob.OpenEventsAsync();

        var aliceEvents = await alice.OpenEventsAsync();
        var online = await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));
        Assert.Null(online.Id); // ephemeral: no id, so Last-Event-ID stays on the last durable event
        Assert.Equal("petitchat", online.Data.Str("source"));
        Assert.Equal("online", (await PresenceOfAsync(bob, alice)).Str("state"));

        await aliceEvents.DisposeAsync();
        var closedAt = DateTimeOffset.UtcNow;
        var offline = await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "offline"));
        // Not before the grace (1 s here), so a reconnect does not flap.
        Assert.True(DateTimeOffset.UtcNow - closedAt >= TimeSpan.FromSeconds(0.9));
        Assert.True(offline.Data.GetProperty("lastSeenAt").GetDateTimeOffset() >= closedAt.AddSeconds(-1));
    }

    [Fact]
    public async Task Reads_keep_the_last_state_through_the_grace_and_say_offline_only_when_the_event_does()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chatId = (await alice.CreateGroupAsync("team", bob)).Id();
        await using var bobEvents = await bob.OpenEventsAsync();
        var aliceEvents = await alice.OpenEventsAsync();
        await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));

        await aliceEvents.DisposeAsync();
        var closedAt = DateTimeOffset.UtcNow;
        // Every way of reading presence, from the close until one says offline: before the grace
        // (1 s here) they all say online, as no offline event has gone out yet.
        var firstOffline = await PresenceReads.FirstOfflineReadAsync(closedAt, async () =>
        [
            (await PresenceOfAsync(bob, alice)).Str("state"),
            (await bob.Http.PostJson("/api/v1/presence/query", new { userIds = new[] { alice.Id } }).OkJsonAsync()).Items().Single().Str("state"),
            (await bob.GetAsync($"/api/v1/chats/{chatId}")).GetProperty("members").EnumerateArray()
                .Single(m => m.Id() == alice.Id).GetProperty("presence").Str("state"),
            (await alice.GetAsync("/api/v1/me")).GetProperty("presence").Str("state"),
        ]);

        PresenceReads.AfterTheGrace(firstOffline, (await PresenceOfAsync(bob, alice)).GetProperty("lastSeenAt").GetDateTimeOffset());
        await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "offline"));
        var read = await PresenceOfAsync(bob, alice);
        Assert.Equal("offline", read.Str("state"));
        Assert.True(read.GetProperty("lastSeenAt").GetDateTimeOffset() >= closedAt.AddSeconds(-1));
    }

    [Fact]
    public async Task A_reconnect_within_the_grace_sends_no_offline()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        await using var bobEvents = await bob.OpenEventsAsync();
        var first = await alice.OpenEventsAsync();
        await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));

        await first.DisposeAsync();
        await using var second = await alice.OpenEventsAsync();

        // Other presence events may come (bob's own); none says alice went offline.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => bobEvents.NextAsync(e => IsPresenceOf(e, alice, "offline"), TimeSpan.FromSeconds(2)));
        Assert.Equal("online", (await PresenceOfAsync(bob, alice)).Str("state"));
    }

    [Fact]
    public async Task A_status_is_shown_to_partners_and_expires_by_itself()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateGroupAsync("team", bob);
        await using var aliceEvents = await alice.OpenEventsAsync();
        await using var bobEvents = await bob.OpenEventsAsync();

        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(2);
        var set = await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { emoji = "🍽️", text = "Lunch", expiresAt, availability = "busy" }).OkJsonAsync();
        Assert.Equal("busy", set.Str("state"));
        Assert.Equal("Lunch", set.GetProperty("status").Str("text"));

        var seen = await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "busy"));
        Assert.Equal("🍽️", seen.Data.GetProperty("status").Str("emoji"));

        // The sweep notices the expiry and tells the partner; reads agree.
        var expired = await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "online"), TimeSpan.FromSeconds(10));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, expired.Data.GetProperty("status").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await PresenceOfAsync(bob, alice)).GetProperty("status").ValueKind);
    }

    [Fact]
    public async Task A_cleared_status_and_do_not_disturb_toggle_are_seen()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        await using var aliceEvents = await alice.OpenEventsAsync();

        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { availability = "dnd" }).OkJsonAsync();
        Assert.Equal("dnd", (await PresenceOfAsync(bob, alice)).Str("state"));

        var cleared = await alice.Http.DeleteAsync(new Uri("/api/v1/me/status", UriKind.Relative)).OkJsonAsync();
        Assert.Equal("online", cleared.Str("state"));
        Assert.Equal("online", (await PresenceOfAsync(bob, alice)).Str("state"));
    }

    [Fact]
    public async Task A_strangers_presence_is_not_found_and_left_out_of_queries()
    {
        var (alice, bob, stranger) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("stranger"));
        await alice.CreateDirectAsync(bob);

        await alice.GetRawAsync($"/api/v1/users/{stranger.Id}/presence").ProblemAsync(404);
        await alice.GetRawAsync($"/api/v1/users/{Guid.CreateVersion7()}/presence").ProblemAsync(404);

        var query = await alice.Http.PostJson("/api/v1/presence/query", new { userIds = new[] { bob.Id, stranger.Id, alice.Id } }).OkJsonAsync();
        Assert.Equal([bob.Id, alice.Id], query.Items().Select(i => i.GetProperty("userId").GetGuid()));
        Assert.All(query.Items(), i => Assert.True(i.TryGetProperty("lastSeenAt", out _) && i.TryGetProperty("source", out _)));
    }

    [Fact]
    public async Task A_user_found_by_username_search_comes_with_presence_while_reading_by_id_stays_closed()
    {
        var (alice, stranger) = (await NewChatterAsync("alice"), await NewChatterAsync("stranger"));
        await using var strangerEvents = await stranger.OpenEventsAsync();

        var found = (await alice.GetAsync($"/api/v1/users?username={stranger.Username}")).Items().Single();
        Assert.Equal(stranger.Id, found.Id());
        Assert.Equal("online", found.GetProperty("presence").Str("state"));

        // A listing without a prefix finds nobody in particular: no presence on it.
        var listed = (await alice.GetAsync("/api/v1/users?limit=5")).Items();
        Assert.All(listed, u => Assert.False(u.TryGetProperty("presence", out _)));
        await alice.GetRawAsync($"/api/v1/users/{stranger.Id}/presence").ProblemAsync(404);
    }

    [Fact]
    public async Task Bad_input_gets_a_problem_naming_the_field_and_changes_nothing()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);

        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { text = new string('x', 101) }).ProblemAsync(400, "text");
        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { emoji = "not an emoji" }).ProblemAsync(400, "emoji");
        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { text = "x", expiresAt = DateTimeOffset.UtcNow.AddMinutes(-1) }).ProblemAsync(400, "expiresAt");
        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { availability = "asleep" }).ProblemAsync(400);
        await alice.Http.PostJson("/api/v1/presence/query", new { userIds = Enumerable.Range(0, 201).Select(_ => Guid.CreateVersion7()) }).ProblemAsync(400, "userIds");
        await alice.Http.PostJson("/api/v1/presence/query", new { }).ProblemAsync(400, "userIds");

        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await PresenceOfAsync(bob, alice)).GetProperty("status").ValueKind);
    }

    [Fact]
    public async Task A_status_with_nothing_in_it_clears_the_status()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { emoji = "🌴", text = "Away for a week" }).OkJsonAsync();

        var emptied = await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { emoji = "", text = " ", availability = "auto" }).OkJsonAsync();

        Assert.Equal(System.Text.Json.JsonValueKind.Null, emptied.GetProperty("status").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await PresenceOfAsync(bob, alice)).GetProperty("status").ValueKind);
    }

    [Fact]
    public async Task A_presence_query_is_a_read_and_does_not_count_as_activity()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        var before = (await PresenceOfAsync(bob, alice)).GetProperty("lastSeenAt").GetDateTimeOffset();

        await alice.Http.PostJson("/api/v1/presence/query", new { userIds = new[] { bob.Id } }).OkJsonAsync();

        Assert.Equal(before, (await PresenceOfAsync(bob, alice)).GetProperty("lastSeenAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Me_carries_my_presence()
    {
        var alice = await NewChatterAsync("alice");
        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { text = "Writing", availability = "busy" }).OkJsonAsync();
        await using var events = await alice.OpenEventsAsync();

        var me = await alice.GetAsync("/api/v1/me");

        Assert.Equal(alice.Id, me.GetProperty("presence").GetProperty("userId").GetGuid());
        Assert.Equal("busy", me.GetProperty("presence").Str("state"));
        Assert.Equal("Writing", me.GetProperty("presence").GetProperty("status").Str("text"));
    }

    [Fact]
    public async Task Chat_members_carry_their_presence()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chatId = (await alice.CreateGroupAsync("team", bob)).Id();
        await using var bobEvents = await bob.OpenEventsAsync();

        var chat = await alice.GetAsync($"/api/v1/chats/{chatId}");
        var members = chat.GetProperty("members").EnumerateArray().ToDictionary(m => m.Id(), m => m.GetProperty("presence").Str("state"));
        Assert.Equal("online", members[bob.Id]);
        Assert.Equal("offline", members[alice.Id]);

        var listed = (await alice.GetAsync("/api/v1/chats")).Items().Single(c => c.Id() == chatId);
        Assert.All(listed.GetProperty("members").EnumerateArray(), m => Assert.True(m.TryGetProperty("presence", out _)));
    }
}
