using System.Diagnostics;
using System.Globalization;

namespace PetitChat.Testing.Cluster;

/// <summary>
/// The local cluster of deploy/local/cluster.sh, driven as an operator drives it: <c>up</c> in a
/// folder of its own on a block of ports, <c>kill</c> and <c>start</c> of one part, SIGSTOP and
/// SIGCONT of a process by the id in its pid file, and <c>down</c> on dispose. The binaries must be
/// built (Release) first: the script is told not to build.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly string _script;
    private readonly Dictionary<string, string> _environment;

    private LocalCluster(string script, string folder, int basePort, bool build, IReadOnlyDictionary<string, string>? settings)
    {
        _script = script;
        Folder = folder;
        BasePort = basePort;
        _environment = new Dictionary<string, string>
        {
            ["PETITCHAT_CLUSTER_DIR"] = folder,
            ["PETITCHAT_CLUSTER_PORT"] = basePort.ToString(CultureInfo.InvariantCulture),
            ["PETITCHAT_CLUSTER_NO_BUILD"] = build ? "0" : "1",
            ["PETITCHAT_CLUSTER_SETTINGS"] = string.Join(' ', (settings ?? new Dictionary<string, string>()).Select(s => $"{s.Key}={s.Value}")),
        };
    }

    public string Folder { get; }

    public int BasePort { get; }

    /// <summary>The gateway, where clients go.</summary>
    public Uri Gateway => new($"http://127.0.0.1:{BasePort}/");

    /// <summary>The embedded issuer's password that <c>up</c> chose for this cluster.</summary>
    public string Password => File.ReadAllText(Path.Combine(Folder, "password")).Trim();

    public Uri Server(int n) => new($"http://127.0.0.1:{BasePort + n}/");

    public Uri Notifier(int n) => new($"http://127.0.0.1:{BasePort + 10 + n}/");

    /// <summary>
    /// Runs <c>cluster.sh up</c> on a block of 60 ports from <paramref name="basePort"/>; with
    /// <paramref name="build"/> the script builds the server, notifier and gateway first.
    /// <paramref name="settings"/> (environment names, as <c>Notifications__ReadDelay</c>, values
    /// without spaces) go to every server and notifier, also when a part is started again.
    /// </summary>
    public static async Task<LocalCluster> UpAsync(int basePort, CancellationToken ct, bool build = false, IReadOnlyDictionary<string, string>? settings = null)
    {
        var script = Path.GetFullPath(Path.Combine(Standins.Folder, "..", "..", "deploy", "local", "cluster.sh"));
        var cluster = new LocalCluster(script, Directory.CreateTempSubdirectory("petitchat-cluster-").FullName, basePort, build, settings);
        try
        {
            await cluster.RunAsync(ct, "up");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>A free block of ports for a cluster, found by trying loopback ports (a few tries).</summary>
    public static int FreeBasePort()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var candidate = 20_000 + (Random.Shared.Next(0, 400) * 100);
            if (Enumerable.Range(candidate, 60).All(IsFree))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("No free block of 60 loopback ports was found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary><c>kill -9</c> of one part (server2, nats1, notifier1...), as a crash.</summary>
    public Task KillAsync(string part, CancellationToken ct) => RunAsync(ct, "kill", part);

    /// <summary>Starts one part again and waits until it is ready.</summary>
    public Task StartAsync(string part, CancellationToken ct) => RunAsync(ct, "start", part);

    /// <summary>SIGSTOP: the process stays, holding its connections, and does nothing.</summary>
    public void Pause(string part) => Signal(part, "STOP");

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume(string part) => Signal(part, "CONT");

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await RunAsync(timeout.Token, "down");
        }
        finally
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temporary folder is harmless.
            }
        }
    }

    /// <summary>The last lines of one part's log, for a failure message.</summary>
    public string LogTail(string part, int lines = 20)
    {
        var file = Path.Combine(Folder, "logs", part + ".log");
        return File.Exists(file) ? string.Join('\n', File.ReadLines(file).TakeLast(lines)) : "(no log)";
    }

    private void Signal(string part, string signal)
    {
        var pid = File.ReadAllText(Path.Combine(Folder, "pids", part + ".pid")).Trim();
        using var kill = Process.Start("kill", ["-" + signal, pid]) ?? throw new InvalidOperationException("kill did not start.");
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {pid} ({part}) failed.");
        }
    }

    private async Task RunAsync(CancellationToken ct, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(_script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in _environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start.");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"cluster.sh {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{await output}\n{await error}");
        }
    }
}
