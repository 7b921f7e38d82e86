using PetitChat.Testing.Cluster;
using Xunit.Abstractions;

namespace PetitChat.Server.Tests.Cluster;

/// <summary>
/// The faults run starts eleven processes and times how long clients wait to stream again (at most
/// 10 s). Beside the rest of the suite on two cores a resume once took 21 s: the run waited on a
/// starved machine, not on the cluster (the same build passes it alone). So it runs
/// by itself, after the parallel collections.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterFaultsCollection
{
    public const string Name = "cluster faults";
}

/// <summary>
/// The local cluster (deploy/local/cluster.sh) broken under load, as an operator would break it.
/// The short run; <c>bench -- faults</c> is the long one.
/// </summary>
[Collection(ClusterFaultsCollection.Name)]
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    private static readonly string[] LoggedParts = ["gateway", "server1", "server2", "notifier1", "notifier2"];

    // It once found 9 acknowledged messages missing from every stream, all in the store: sends cut
    // short (the client's 5 s attempt timeout under load, or server2's kill) after the store wrote
    // them and before they were published, whose retries then answered "already sent". Sends now
    // finish once the write starts, and a repeat publishes again (CutShortSendTests).
    [Fact]
    public async Task Through_the_gateway_acknowledged_messages_arrive_once_and_in_order_and_each_user_message_push_once_while_a_node_dies_a_nats_server_restarts_and_a_notifier_pauses()
    {
        // Generous bounds: starting 11 processes takes a while on a small machine; the load itself is 30 s.
        using var starting = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        await using var cluster = await LocalCluster.UpAsync(LocalCluster.FreeBasePort(), starting.Token, settings: FaultScenario.ClusterSettings);
        using var running = new CancellationTokenSource(TimeSpan.FromMinutes(6));
        var report = await new FaultScenario(cluster) { Load = TimeSpan.FromSeconds(30), Members = 3 }.RunAsync(running.Token);
        output.WriteLine(report.ToString());

        // Every part's log tail: a failed run once left "connection refused" from server1 in the
        // gateway's log with nothing to tell whether server1 had stopped, or when.
        Assert.True(report.Passed, report + string.Concat(LoggedParts.Select(part => $"\n{part} log:\n{cluster.LogTail(part)}")));
    }
}
