using System.Diagnostics;
using System.Text;

namespace PetitChat.Testing;

/// <summary>
/// A real engine (nats-server, dynalite, s3rver...) started by a test fixture on a loopback
/// port and killed with its children on dispose. Its output is kept so that a failure to start
/// says why.
/// </summary>
public sealed class EngineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private EngineProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The operating system's id of the process (for benchmarks that read its memory).</summary>
    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="fileName"/> and waits until it accepts connections on
    /// <paramref name="port"/>. <paramref name="installHint"/> is shown when the program is missing.
    /// </summary>
    public static async Task<EngineProcess> StartAsync(
        string fileName, IEnumerable<string> arguments, int port, string installHint,
        string? workingDirectory = null, TimeSpan? startTimeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{fileName} could not be started ({e.Message}). {installHint}", e);
        }

        var engine = new EngineProcess(process, port);
        process.OutputDataReceived += (_, e) => engine.Append(e.Data);
        process.ErrorDataReceived += (_, e) => engine.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await LoopbackPort.WaitUntilListeningAsync(port, startTimeout ?? TimeSpan.FromSeconds(30), () => process.HasExited);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            await engine.DisposeAsync();
            throw new InvalidOperationException($"{fileName} did not start listening on port {port}: {e.Message}\n{engine.Output}\n{installHint}", e);
        }

        return engine;
    }

    /// <summary>Stops the engine (for fault tests); a stopped engine can be started again with the same arguments.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
