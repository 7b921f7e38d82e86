using System.Globalization;
using PetitChat.Testing.Cluster;

namespace PetitChat.Bench;

/// <summary>
/// The long run of the faults test: deploy/local/cluster.sh up (built first), a constant send
/// load through the gateway with every member streaming, and the same faults (server2 killed,
/// nats2 killed and started again, notifier1 paused), then the counts, pushes per (user, message) included.
/// </summary>
public sealed class FaultsBenchmark : IBenchmark
{
    public string Name => "faults";

    public string Description => "local cluster under load with a node, a nats-server and a notifier broken [--seconds 180 --members 6 --interval-ms 100 --port 7000]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var seconds = Option(args, "--seconds", 180);
        var members = Option(args, "--members", 6);
        var interval = Option(args, "--interval-ms", 100);
        var port = Option(args, "--port", LocalCluster.FreeBasePort());

        Console.WriteLine($"faults: cluster up on ports {port}..{port + 59} (build included)");
        await using var cluster = await LocalCluster.UpAsync(port, ct, build: true, settings: FaultScenario.ClusterSettings);
        var report = await new FaultScenario(cluster)
        {
            Load = TimeSpan.FromSeconds(seconds),
            Members = members,
            SendInterval = TimeSpan.FromMilliseconds(interval),
        }.RunAsync(ct);
        Console.WriteLine($"faults: {seconds} s of load, {members} members each sending every {interval} ms; " +
            $"{FaultScenario.ReadDelay.TotalSeconds:0} s read delay for the push chat's users");
        Console.WriteLine(report);
        Console.WriteLine(report.Passed ? "faults: PASSED" : "faults: FAILED");
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
