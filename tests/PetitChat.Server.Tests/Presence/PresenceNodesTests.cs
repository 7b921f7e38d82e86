using System.Diagnostics;
using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Presence;

/// <summary>
/// Two nodes on one nats-server, presence in its key-value buckets and presence events over core
/// NATS. Chat partners are cached for an hour: a change of members made on one node reaches the
/// other's partner sets through its notice, never through their age.
/// </summary>
public sealed class PresenceNodesTests() : NatsNodesTest(Settings)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Notifications:Kind"] = "nats",
        ["Notifications:Nats:Url"] = "{NATS}",
        ["Presence:OfflineGrace"] = "00:00:01",
        ["Presence:Coalesce"] = "00:00:00.200",
        ["Presence:SweepInterval"] = "00:00:00.500",
        ["Presence:PartnerCacheFor"] = "01:00:00",
    };

    [Fact]
    public async Task A_partner_on_the_other_node_sees_online_and_offline_and_reads_agree_on_both_nodes()
    {
        var (alice, bob) = (await Nodes.NewChatterAsync("alice"), await Nodes.NewChatterAsync("bob"));
        await alice.On(0).CreateDirectAsync(bob.On(0));
        await using var bobOnNode2 = await bob.On(1).OpenEventsAsync();

        var aliceOnNode1 = await alice.On(0).OpenEventsAsync();
        await bobOnNode2.NextAsync(e => e.Type == "presence" && e.Data.GetProperty("userId").GetGuid() == alice.Id && e.Data.Str("state") == "online");
        Assert.Equal("online", (await bob.On(1).GetAsync($"/api/v1/users/{alice.Id}/presence")).Str("state"));
        Assert.Equal("online", (await bob.On(0).GetAsync($"/api/v1/users/{alice.Id}/presence")).Str("state"));

        await aliceOnNode1.DisposeAsync();
        var closedAt = DateTimeOffset.UtcNow;
        // Both nodes read online through the grace (1 s here), as no offline event has gone out yet.
        var firstOffline = await PresenceReads.FirstOfflineReadAsync(closedAt, async () =>
        [
            (await bob.On(0).GetAsync($"/api/v1/users/{alice.Id}/presence")).Str("state"),
            (await bob.On(1).GetAsync($"/api/v1/users/{alice.Id}/presence")).Str("state"),
        ]);
        PresenceReads.AfterTheGrace(firstOffline, (await bob.On(1).GetAsync($"/api/v1/users/{alice.Id}/presence")).GetProperty("lastSeenAt").GetDateTimeOffset());
        await bobOnNode2.NextAsync(e => e.Type == "presence" && e.Data.GetProperty("userId").GetGuid() == alice.Id && e.Data.Str("state") == "offline");
        Assert.Equal("offline", (await bob.On(1).GetAsync($"/api/v1/users/{alice.Id}/presence")).Str("state"));
        Assert.Equal("offline", (await bob.On(0).GetAsync($"/api/v1/users/{alice.Id}/presence")).Str("state"));
    }

    [Fact]
    public async Task After_a_lone_nats_server_restart_streams_open_before_and_after_count_on_both_nodes()
    {
        var (alice, bob, carol) = (await Nodes.NewChatterAsync("alice"), await Nodes.NewChatterAsync("bob"), await Nodes.NewChatterAsync("carol"));
        await alice.On(0).CreateGroupAsync("team", bob.On(0), carol.On(0));
        await using var alices = await alice.On(0).OpenEventsAsync();
        await using var bobs = await bob.On(1).OpenEventsAsync();
        await alices.NextAsync(e => e.Type == "presence" && e.Data.GetProperty("userId").GetGuid() == bob.Id && e.Data.Str("state") == "online");

        // The connection and node buckets are in memory: the server comes back without them.
        await Nodes.Nats.StopAsync();
        await Nodes.Nats.StartAgainAsync();
        await using var carols = await OpenWhenBackAsync(carol.On(1));

        // Each node puts its own keys back: every stream counts, read on either node.
        foreach (var (reader, user) in new[] { (carol.On(0), alice), (carol.On(1), alice), (carol.On(0), bob), (alice.On(0), carol), (alice.On(1), carol) })
        {
            await WaitUntilOnlineAsync(reader, user.Id);
        }
    }

    /// <summary>A stream opened as a client would after an outage: again while the node answers 503.</summary>
    private static async Task<EventStream> OpenWhenBackAsync(Chatter chatter)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await chatter.OpenEventsAsync();
            }
            catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(200);
            }
        }
    }

    private static async Task WaitUntilOnlineAsync(Chatter reader, Guid userId)
    {
        var deadline = Stopwatch.StartNew();
        string? state;
        do
        {
            state = (await reader.GetAsync($"/api/v1/users/{userId}/presence")).Str("state");
            if (state == "online")
            {
                return;
            }

            await Task.Delay(200);
        }
        while (deadline.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Fail($"{userId} still reads {state} on the node of {reader.Username}, 10 s after the restart.");
    }

    [Fact]
    public async Task Chats_created_and_members_removed_on_one_node_change_who_the_other_node_tells()
    {
        var (alice, bob, carol) = (await Nodes.NewChatterAsync("alice"), await Nodes.NewChatterAsync("bob"), await Nodes.NewChatterAsync("carol"));
        // Alice's stream is on the second node: her online event there cached her partners (nobody).
        await using var alices = await alice.On(1).OpenEventsAsync();
        await alices.NextAsync(e => e.Type == "presence" && e.Data.GetProperty("userId").GetGuid() == alice.Id);
        await using var bobs = await bob.On(1).OpenEventsAsync();
        await using var carols = await carol.On(0).OpenEventsAsync();
        // Carol reads Alice's presence on the second node before they share a chat: refused, and her partners are cached there.
        await carol.On(1).GetRawAsync($"/api/v1/users/{alice.Id}/presence").ProblemAsync(404);

        var group = (await alice.On(0).CreateGroupAsync("Across", bob.On(0), carol.On(0))).Id();

        // The notice reaches the second node asynchronously: Alice changes her status there until Bob hears of one.
        await StatusSeenAsync(alice.On(1), bobs, alice.Id, "created");
        Assert.Equal(200, (int)(await carol.On(1).GetRawAsync($"/api/v1/users/{alice.Id}/presence")).StatusCode);

        (await alice.On(0).DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}")).Dispose();

        // Once the second node refuses Carol's read, the same notice has dropped Alice's partners there too.
        var status = 0;
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(20) && status != 404; await Task.Delay(50))
        {
            using var read = await carol.On(1).GetRawAsync($"/api/v1/users/{alice.Id}/presence");
            status = (int)read.StatusCode;
        }

        Assert.Equal(404, status);
        await alice.On(1).Http.PutAsJsonAsync("/api/v1/me/status", new { text = "carol left" }).OkJsonAsync();
        await bobs.NextAsync(e => PresenceTest.HasStatusText(e, alice.Id, "carol left"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => carols.NextAsync(e => PresenceTest.HasStatusText(e, alice.Id, "carol left"), TimeSpan.FromSeconds(1)));
    }

    /// <summary>Sets a new status text every half second until <paramref name="watcher"/> sees one of them; fails after 20 s.</summary>
    private static async Task StatusSeenAsync(Chatter user, EventStream watcher, Guid userId, string prefix)
    {
        // One read for the whole wait: a read that times out ends the stream.
        var seen = watcher.NextAsync(
            e => e.Type == "presence" && e.Data.GetProperty("userId").GetGuid() == userId
                && e.Data.GetProperty("status") is { ValueKind: System.Text.Json.JsonValueKind.Object } status
                && status.Str("text").StartsWith(prefix, StringComparison.Ordinal),
            TimeSpan.FromSeconds(20));
        for (var attempt = 0; !seen.IsCompleted && attempt < 40; attempt++)
        {
            // Told to the partners as the user's node knew them then: until the notice arrived, nobody.
            await user.Http.PutAsJsonAsync("/api/v1/me/status", new { text = $"{prefix} {attempt}" }).OkJsonAsync();
            await Task.WhenAny(seen, Task.Delay(500));
        }

        await seen;
    }
}
