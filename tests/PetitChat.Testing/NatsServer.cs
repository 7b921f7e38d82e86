namespace PetitChat.Testing;

/// <summary>
/// A real nats-server with JetStream, on a free loopback port, storing in its own temporary
/// folder. It can be stopped and started again on the same port and folder, as an outage that
/// keeps the stream.
/// </summary>
public sealed class NatsServer : IAsyncDisposable
{
    public const string InstallHint = "Install nats-server (`apt-get install -y nats-server`; ./scripts/test.sh does it).";

    private readonly string _storeDir;
    private readonly string[] _extraArguments;
    private EngineProcess? _process;

    private NatsServer(int port, string storeDir, string[] extraArguments)
    {
        Port = port;
        _storeDir = storeDir;
        _extraArguments = extraArguments;
    }

    public int Port { get; }

    public string Url => $"nats://127.0.0.1:{Port}";

    /// <summary>The process's id while it runs (a benchmark reads its CPU time).</summary>
    public int? ProcessId => _process?.ProcessId;

    /// <summary>Starts a server; <paramref name="extraArguments"/> such as <c>--user u --pass p</c> are passed on.</summary>
    public static async Task<NatsServer> StartAsync(params string[] extraArguments)
    {
        var storeDir = Directory.CreateTempSubdirectory("petitchat-nats-").FullName;
        var server = new NatsServer(LoopbackPort.Free(), storeDir, extraArguments);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Kills the server, as a crash would.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    /// <summary>Starts the server again on the same port with an empty store folder (after <see cref="StopAsync"/>), as a new volume would.</summary>
    public async Task StartEmptyAsync()
    {
        if (_process is null)
        {
            Directory.Delete(_storeDir, recursive: true);
            Directory.CreateDirectory(_storeDir);
        }

        await StartAgainAsync();
    }

    /// <summary>Starts the server again on the same port and store folder (after <see cref="StopAsync"/>).</summary>
    public async Task StartAgainAsync()
    {
        if (_process is not null)
        {
            return;
        }

        _process = await EngineProcess.StartAsync(
            "nats-server", ["-a", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-js", "-sd", _storeDir, .. _extraArguments],
            Port, InstallHint);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
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
