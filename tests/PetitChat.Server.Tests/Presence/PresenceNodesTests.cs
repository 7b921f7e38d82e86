using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Presence;

/// <summary>Two nodes on one nats-server, presence in its key-value buckets and presence events over core NATS.</summary>
public sealed class PresenceNodesTests() : NatsNodesTest(Settings)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Notifications:Kind"] = "nats",
        ["Notifications:Nats:Url"] = "{NATS}",
        ["Presence:OfflineGrace"] = "00:00:01",
        ["Presence:Coalesce"] = "00:00:00.200",
        ["Presence:SweepInterval"] = "00:00:00.500",
        ["Presence:PartnerCacheFor"] = "00:00:00",
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
}
