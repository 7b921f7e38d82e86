using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>Heartbeats come from the node's one timer (StreamHeartbeats), not a timer per stream.</summary>
public sealed class StreamHeartbeatTests(PetitChatServer server) : ApiTest(server)
{
    [Fact]
    public async Task Each_idle_stream_gets_heartbeat_comments_from_the_shared_timer()
    {
        var bob = await NewChatterAsync();
        await using var first = await bob.OpenEventsAsync();
        await using var second = await bob.OpenEventsAsync();
        var (before1, before2) = (first.Comments, second.Comments);

        // The fixture's heartbeat is 2 s: a quiet 5 s holds at least one on each stream.
        Assert.True(await first.StaysQuietAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await second.StaysQuietAsync(TimeSpan.FromSeconds(1)));

        Assert.True(first.Comments > before1, "no heartbeat on the first stream");
        Assert.True(second.Comments > before2, "no heartbeat on the second stream");
    }
}
