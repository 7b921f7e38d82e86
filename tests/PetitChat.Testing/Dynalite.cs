namespace PetitChat.Testing;

/// <summary>
/// dynalite (tests/standins), the DynamoDB API in memory, as the stand-in for ScyllaDB's
/// Alternator: one process per fixture on a free loopback port, tables created instantly.
/// </summary>
public static class Dynalite
{
    public static async Task<(EngineProcess Process, string Url)> StartAsync()
    {
        var port = LoopbackPort.Free();
        var process = await EngineProcess.StartAsync(
            Standins.Bin("dynalite"),
            ["--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0"],
            port,
            Standins.InstallHint);
        return (process, $"http://127.0.0.1:{port}");
    }
}
