using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// Uploads files of mixed sizes (small, medium, a few near the 25 MB limit, some PNG images that
/// go through libvips, some repeats that dedupe) to the real server started as its own process
/// on embedded defaults (or with <c>--blobs s3</c> on s3rver), and prints throughput and the
/// server's resident memory: before the run, and its peak (VmHWM) after.
/// </summary>
public sealed class FilesBenchmark : IBenchmark
{
    public string Name => "files";

    public string Description => "upload 200 files of mixed sizes to the server process; throughput and peak server memory";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var count = IntArg(args, "--count", 200);
        var concurrency = IntArg(args, "--concurrency", 4);
        var s3 = args.SkipWhile(a => a != "--blobs").Skip(1).FirstOrDefault() == "s3";
        // Without images, the peak shows what streaming costs alone (libvips decoding is the rest).
        var images = !args.Contains("--without-images");
        var root = Path.GetFullPath(Path.Combine(Standins.Folder, "..", ".."));
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-bench-files", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);

        Console.WriteLine("building the server (Release)...");
        await RunToEndAsync("dotnet", ["build", Path.Combine(root, "src", "PetitChat.Server"), "-c", "Release", "-v", "q", "-nologo"], ct);

        await using var s3rver = s3 ? await S3rverProcess.StartAsync() : null;
        var port = LoopbackPort.Free();
        var baseUrl = $"http://127.0.0.1:{port}";
        List<string> settings =
        [
            Path.Combine(root, "src", "PetitChat.Server", "bin", "Release", "net10.0", "PetitChat.Server.dll"),
            $"--Urls={baseUrl}",
            "--environment=Development",
            $"--Store:Sqlite:Path={Path.Combine(folder, "petitchat.db")}",
            $"--Blobs:Local:Path={Path.Combine(folder, "blobs")}",
            $"--Files:TempPath={Path.Combine(folder, "uploads")}",
            $"--Identity:Embedded:KeyPath={Path.Combine(folder, "issuer-keys.json")}",
            $"--Identity:Embedded:Issuer={baseUrl}/",
            "--Logging:LogLevel:Default=Warning",
        ];
        if (s3rver is not null)
        {
            settings.AddRange(["--Blobs:Kind=s3", $"--Blobs:S3:ServiceUrl={s3rver.ServiceUrl}", "--Blobs:S3:Bucket=bench",
                $"--Blobs:S3:AccessKey={S3rverProcess.Key}", $"--Blobs:S3:SecretKey={S3rverProcess.Key}"]);
        }

        await using var server = await EngineProcess.StartAsync("dotnet", settings, port, "Build the server first.", root);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(http, "bench-alice", ct));
            var bob = await MeAsync(baseUrl, await TokenAsync(http, "bench-bob", ct), ct);
            await MeAsync(baseUrl, http.DefaultRequestHeaders.Authorization.Parameter!, ct);
            using var create = await http.PostAsync(new Uri("/api/v1/chats", UriKind.Relative),
                JsonContent($$"""{"name":"bench","memberIds":["{{bob}}"]}"""), ct);
            var chat = JsonDocument.Parse(await create.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetString();

            var files = MakeFiles(count, images);
            // One warm-up upload (JIT, libvips start-up), then the baseline.
            await UploadAsync(http, chat!, files[0], ct);
            var baseline = Memory(server.ProcessId, "VmRSS");

            var latencies = new List<double>();
            var total = Stopwatch.StartNew();
            var next = 0;
            var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next) - 1) < files.Count)
                {
                    var watch = Stopwatch.StartNew();
                    await UploadAsync(http, chat!, files[index], ct);
                    lock (latencies)
                    {
                        latencies.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }
            }, ct)).ToList();
            await Task.WhenAll(workers);
            total.Stop();

            var bytes = files.Sum(f => (long)f.Bytes.Length);
            var peak = Memory(server.ProcessId, "VmHWM");
            Console.WriteLine($"server: separate process (dotnet PetitChat.Server.dll), blobs on {(s3 ? "s3rver" : "local disk")}, {concurrency} concurrent uploads");
            Console.WriteLine($"files: {files.Count} ({files.Count(f => f.Kind == "image")} PNG images, {files.Count(f => f.Kind == "repeat")} repeats, "
                + $"{files.Count(f => f.Kind == "large")} of 10-25 MB), {bytes / 1048576.0:F1} MB in total, largest {files.Max(f => f.Bytes.Length) / 1048576.0:F1} MB");
            Console.WriteLine($"throughput: {bytes / 1048576.0 / total.Elapsed.TotalSeconds:F1} MB/s, {files.Count / total.Elapsed.TotalSeconds:F1} files/s over {total.Elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"upload latency: {Percentiles.Of(latencies)}");
            Console.WriteLine($"server memory: {baseline / 1024.0:F0} MB resident after warm-up, peak resident (VmHWM) {peak / 1024.0:F0} MB");
        }
        finally
        {
            await server.StopAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record BenchFile(string Kind, string Name, byte[] Bytes);

    private static List<BenchFile> MakeFiles(int count, bool images)
    {
        var random = new Random(42);
        var files = new List<BenchFile>(count);
        for (var i = 0; i < count; i++)
        {
            var roll = random.Next(100);
            files.Add(roll switch
            {
                < 55 => new BenchFile("small", $"s{i}.bin", RandomNumberGenerator.GetBytes(random.Next(1, 64 * 1024))),
                < 80 => new BenchFile("medium", $"m{i}.bin", RandomNumberGenerator.GetBytes(random.Next(100 * 1024, 2 * 1024 * 1024))),
                < 90 when images => new BenchFile("image", $"i{i}.png", TestImages.Png(random.Next(800, 2400), random.Next(600, 1800))),
                < 90 => new BenchFile("medium", $"m{i}.bin", RandomNumberGenerator.GetBytes(random.Next(100 * 1024, 2 * 1024 * 1024))),
                < 95 when files.Count > 0 => files[random.Next(files.Count)] with { Kind = "repeat" },
                _ => new BenchFile("large", $"l{i}.bin", RandomNumberGenerator.GetBytes(random.Next(10 * 1024 * 1024, 25 * 1024 * 1024))),
            });
        }

        return files;
    }

    private static async Task UploadAsync(HttpClient http, string chat, BenchFile file, CancellationToken ct)
    {
        using var content = new MultipartFormDataContent { { new ByteArrayContent(file.Bytes), "file", file.Name } };
        using var response = await http.PostAsync(new Uri($"/api/v1/chats/{chat}/files", UriKind.Relative), content, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"upload of {file.Name} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        }
    }

    private static async Task<string> TokenAsync(HttpClient http, string username, CancellationToken ct)
    {
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "petitchat-cli",
            ["username"] = username,
            ["password"] = "petitchat",
        }), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()
            ?? throw new InvalidOperationException("no token: " + body);
    }

    private static async Task<string> MeAsync(string baseUrl, string token, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var body = await http.GetStringAsync(new Uri("/api/v1/me", UriKind.Relative), ct);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>A memory figure of /proc/PID/status, in kB (Linux).</summary>
    private static long Memory(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field + ":", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(field.Length + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return -1;
    }

    private static async Task RunToEndAsync(string file, string[] arguments, CancellationToken ct)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}");
        }
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
