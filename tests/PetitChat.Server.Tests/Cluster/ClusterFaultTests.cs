using PetitChat.Testing.Cluster;
using Xunit.Abstractions;

namespace PetitChat.Server.Tests.Cluster;

/// <summary>
/// The local cluster (deploy/local/cluster.sh) broken under load, as an operator would break it.
/// The short run; <c>bench -- faults</c> is the long one.
/// </summary>
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Through_the_gateway_acknowledged_messages_arrive_once_and_in_order_while_a_node_dies_a_nats_server_restarts_and_a_notifier_pauses()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        await using var cluster = await LocalCluster.UpAsync(LocalCluster.FreeBasePort(), timeout.Token);
        var report = await new FaultScenario(cluster) { Load = TimeSpan.FromSeconds(30), Members = 3 }.RunAsync(timeout.Token);
        output.WriteLine(report.ToString());

        Assert.True(report.Passed, report + "\ngateway log:\n" + cluster.LogTail("gateway"));
    }
}
