using System.Globalization;

namespace PetitChat.Testing;

/// <summary>
/// A real nats-server with JetStream on a free loopback port, storing in its own temporary folder
/// (deleted on dispose). Used by the notification queue's tests and benchmark.
/// </summary>
public sealed class JetStreamServer : IAsyncDisposable
{
    public const string InstallHint = "Install nats-server (`apt-get install -y nats-server`; ./scripts/test.sh does it).";

    private readonly string _storeDir;
    private readonly EngineProcess _process;

    private JetStreamServer(EngineProcess process, string storeDir)
    {
        _process = process;
        _storeDir = storeDir;
    }

    public string Url => $"nats://127.0.0.1:{_process.Port}";

    public static async Task<JetStreamServer> StartAsync()
    {
        var storeDir = Directory.CreateTempSubdirectory("petitchat-notify-nats-").FullName;
        var port = LoopbackPort.Free();
        var process = await EngineProcess.StartAsync(
            "nats-server", ["-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-js", "-sd", storeDir], port, InstallHint);
        return new JetStreamServer(process, storeDir);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_storeDir, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }
}
