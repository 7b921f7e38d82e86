namespace PetitChat.Testing;

/// <summary>
/// s3rver (an S3 API server in Node.js, from tests/standins) on a free loopback port with its
/// own temporary folder, for the S3 blob adapter. It accepts the access key and secret
/// <see cref="Key"/>. Deletes its folder on dispose.
/// </summary>
public sealed class S3rverProcess : IAsyncDisposable
{
    public const string Key = "S3RVER";

    private readonly EngineProcess _engine;

    private S3rverProcess(EngineProcess engine, string folder)
    {
        _engine = engine;
        Folder = folder;
    }

    public string ServiceUrl => $"http://127.0.0.1:{_engine.Port}";

    /// <summary>Where s3rver keeps the objects: one sub-folder per bucket.</summary>
    public string Folder { get; }

    public static async Task<S3rverProcess> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-s3rver", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var port = LoopbackPort.Free();
        var engine = await EngineProcess.StartAsync(Standins.Bin("s3rver"),
            ["-d", folder, "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent", "--no-vhost-buckets"],
            port, Standins.InstallHint);
        return new S3rverProcess(engine, folder);
    }

    public async ValueTask DisposeAsync()
    {
        await _engine.DisposeAsync();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }
}
