using System.Diagnostics;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Nodes;

/// <summary>
/// Each node keeps chats' members in memory for its sends (RosterCache); a change made on one
/// node reaches the other's cache through NATS. These nodes keep members for an hour, so what the
/// test sees is the notice, never an entry that expired.
/// </summary>
public sealed class MembershipChangeNodesTests
{
    [Fact]
    public async Task A_member_removed_on_one_node_is_soon_refused_on_the_other_that_had_the_chat_cached()
    {
        await using var nodes = new NatsNodes { Settings = new Dictionary<string, string?> { ["RosterCache:MaxAge"] = "01:00:00" } };
        await nodes.InitializeAsync();
        var (alice, bob, carol) = (await nodes.NewChatterAsync(), await nodes.NewChatterAsync(), await nodes.NewChatterAsync());
        var group = (await alice.On(0).CreateGroupAsync("Team", bob.On(0), carol.On(0))).Id();
        await carol.On(1).SendAsync(group, "while a member");
        await using var carolsStream = await carol.On(1).OpenEventsAsync();

        (await alice.On(0).DeleteRawAsync($"/api/v1/chats/{group}/members/{carol.Id}")).Dispose();

        // The notice travels asynchronously: wait for node 2 to refuse, well within the hour its cache would keep the chat.
        var status = 0;
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(20); await Task.Delay(50))
        {
            using var response = await carol.On(1).PostRawAsync($"/api/v1/chats/{group}/signals", new { text = "after removal", clientId = Guid.NewGuid().ToString() });
            if ((status = (int)response.StatusCode) == 404)
            {
                break;
            }
        }

        Assert.Equal(404, status);
        await carolsStream.NextAsync(e => e.Type == "chat" && e.Data.GetProperty("removed").GetBoolean());
        await bob.On(1).SendAsync(group, "carol is gone");
        Assert.True(await carolsStream.StaysQuietAsync(TimeSpan.FromMilliseconds(300)));
    }
}
