using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// Memory per idle SSE stream: starts the server (Release), opens N idle streams over raw
/// sockets, waits past a heartbeat so each stream has sent one, forces a full GC in the server
/// (an EventPipe session with the GC-heap-collect keyword, as dotnet-gcdump does) and prints the
/// growth of the resident set and of the managed heap per stream. The limit row is a bare Kestrel
/// minimal-API app (this program, run with <c>--bare-server</c>) writing the same headers and
/// heartbeats, measured the same way.
/// </summary>
public sealed class StreamsBenchmark : IBenchmark
{
    public string Name => "streams";

    public string Description => "memory per idle SSE stream vs bare Kestrel [--streams 18000] [--per-user 2] [--heartbeat 5] [--auth ticket|bearer] [--bare-only] [--server path/PetitChat.Server.dll] [--before path/PetitChat.Server.dll] [--env NAME=VALUE]... [--hold 0]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        if (Array.IndexOf(args, "--bare-server") is var at and >= 0)
        {
            await RunBareServerAsync(int.Parse(args[at + 1], CultureInfo.InvariantCulture), TimeSpan.FromSeconds(FanoutBenchmark.Option(args, "--heartbeat", 5)), ct);
            return;
        }

        var streams = FanoutBenchmark.Option(args, "--streams", 18_000);
        var perUser = FanoutBenchmark.Option(args, "--per-user", 2);
        var heartbeat = TimeSpan.FromSeconds(FanoutBenchmark.Option(args, "--heartbeat", 5));
        // Browsers (the web client) open their stream with a one-use ticket; other clients send the bearer token.
        var bearer = Array.IndexOf(args, "--auth") is var a and >= 0 && a + 1 < args.Length && args[a + 1] == "bearer";
        Console.WriteLine($"streams: {streams} idle SSE streams ({perUser} per user, opened with {(bearer ? "the bearer token" : "a ticket")}), heartbeat every {heartbeat.TotalSeconds:F0} s; " +
                          $"open files limit {OpenFilesLimit()} (the client and the server each need one per stream)");
        // --before: another build of the server (main's), measured first in the same run; --server: the build measured as ours.
        // --hold: keep the streams open that many seconds after measuring (for a heap dump: dotnet-gcdump collect -p PID).
        var serverDll = PathOption(args, "--server") ?? FanoutBenchmark.ServerDll();
        var beforeDll = PathOption(args, "--before");
        var hold = TimeSpan.FromSeconds(FanoutBenchmark.Option(args, "--hold", 0));
        var rows = new List<(string Name, Row Row)>();
        if (Array.IndexOf(args, "--bare-only") < 0)
        {
            if (beforeDll is not null)
            {
                Console.WriteLine($"before: {beforeDll}");
                rows.Add(("Petit chat, before", await RunServerAsync(beforeDll, streams, perUser, heartbeat, bearer, hold, ct)));
            }

            Console.WriteLine($"server: {serverDll}");
            rows.Add((beforeDll is null ? "Petit chat server" : "Petit chat, after", await RunServerAsync(serverDll, streams, perUser, heartbeat, bearer, hold, ct)));

            // --env: the same build once more with runtime settings (DOTNET_GCConserveMemory=9...), in the same run.
            if (EnvOptions(args) is { Count: > 0 } settings)
            {
                var named = string.Join(' ', settings.Select(s => $"{s.Name}={s.Value}"));
                Console.WriteLine($"server: the same build with {named}");
                rows.Add(($"  with {named}", await WithEnvironmentAsync(settings, () => RunServerAsync(serverDll, streams, perUser, heartbeat, bearer, hold, ct))));
            }
        }

        rows.Add(("bare Kestrel SSE (limit)", await RunBareAsync(streams, heartbeat, hold, ct)));

        Console.WriteLine();
        Console.WriteLine($"{"server",-40} {"streams",8} {"held",8} {"RSS MB",8} {"heap MB",8} {"RSS KB/stream",14} {"heap KB/stream",15}");
        foreach (var (name, row) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-40} {row.Streams,8} {row.Held,8} {row.Rss / 1048576.0,8:F0} {row.Heap / 1048576.0,8:F0} {row.RssPerStream / 1024.0,14:F1} {row.HeapPerStream / 1024.0,15:F1}"));
        }
    }

    private sealed record Row(int Streams, int Held, long Rss, long Heap, double RssPerStream, double HeapPerStream);

    /// <summary>Runs <paramref name="run"/> with these variables set in this process (its server processes inherit them), then unsets them.</summary>
    internal static async Task<T> WithEnvironmentAsync<T>(IReadOnlyList<(string Name, string Value)> settings, Func<Task<T>> run)
    {
        foreach (var (name, value) in settings)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        try
        {
            return await run();
        }
        finally
        {
            foreach (var (name, _) in settings)
            {
                Environment.SetEnvironmentVariable(name, null);
            }
        }
    }

    internal static List<(string Name, string Value)> EnvOptions(string[] args)
    {
        var settings = new List<(string Name, string Value)>();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == "--env" && args[i + 1].Split('=', 2) is [{ Length: > 0 } name, var value])
            {
                settings.Add((name, value));
            }
        }

        return settings;
    }

    private static string? PathOption(string[] args, string name) =>
        Array.IndexOf(args, name) is var at and >= 0 && at + 1 < args.Length ? Path.GetFullPath(args[at + 1]) : null;

    private static async Task<Row> RunServerAsync(string serverDll, int streams, int perUser, TimeSpan heartbeat, bool bearer, TimeSpan hold, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("petitchat-bench-streams-").FullName;
        var port = LoopbackPort.Free();
        Environment.SetEnvironmentVariable("Limits__MaxStreamsPerUser", perUser.ToString(CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("Events__Heartbeat", heartbeat.ToString("c", CultureInfo.InvariantCulture));
        // Tickets are all taken before the streams open, which takes a while for thousands.
        Environment.SetEnvironmentVariable("Events__TicketLifetime", "01:00:00");
        var server = await FanoutBenchmark.StartNodeAsync(serverDll, port, folder, new Uri($"http://127.0.0.1:{port}/"), natsUrl: null);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
            var users = (streams + perUser - 1) / perUser;
            var tokens = new string[users];
            var signIn = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                async (i, token) => tokens[i] = (await FanoutBenchmark.SignInAsync(http, $"streams-{i}-{Guid.NewGuid():N}", token)).Token);
            Console.WriteLine($"server: {users} users signed in in {signIn.Elapsed.TotalSeconds:F0} s");
            var tickets = new string[streams];
            if (!bearer)
            {
                await Parallel.ForEachAsync(Enumerable.Range(0, streams), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (i, token) =>
                {
                    using var request = FanoutBenchmark.Authorized(HttpMethod.Post, "/api/v1/events/tickets", tokens[i / perUser]);
                    using var response = await http.SendAsync(request, token);
                    response.EnsureSuccessStatusCode();
                    tickets[i] = Uri.EscapeDataString(JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement.GetProperty("ticket").GetString()!);
                });
            }

            return await MeasureAsync(server.ProcessId, port, streams, i => bearer
                    ? $"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {tokens[i / perUser]}\r\n\r\n"
                    : $"GET /api/v1/events?ticket={tickets[i]} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                heartbeat, hold, HeapOfServerAsync, ct);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Row> RunBareAsync(int streams, TimeSpan heartbeat, TimeSpan hold, CancellationToken ct)
    {
        var port = LoopbackPort.Free();
        // The same runtime settings as the server: ASP.NET Core apps run the server GC.
        Environment.SetEnvironmentVariable("DOTNET_gcServer", "1");
        var bare = await EngineProcess.StartAsync("dotnet",
            [typeof(StreamsBenchmark).Assembly.Location, "streams", "--bare-server", port.ToString(CultureInfo.InvariantCulture), "--heartbeat", heartbeat.TotalSeconds.ToString(CultureInfo.InvariantCulture)],
            port, "dotnet is needed");
        Environment.SetEnvironmentVariable("DOTNET_gcServer", null);
        try
        {
            return await MeasureAsync(bare.ProcessId, port, streams, _ => "GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", heartbeat, hold, HeapOfBareAsync, ct);
        }
        finally
        {
            await bare.DisposeAsync();
        }
    }

    /// <summary>Memory before and after opening the streams, each after a forced full GC.</summary>
    private static async Task<Row> MeasureAsync(
        int pid, int port, int streams, Func<int, string> request, TimeSpan heartbeat, TimeSpan hold, Func<int, CancellationToken, Task<long>> heapOf, CancellationToken ct)
    {
        await InducedCollection.RunAsync(pid, ct);
        var (rssBefore, heapBefore) = (await SettledRssAsync(pid, ct), await heapOf(port, ct));
        using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clients = new List<IdleClient>(streams);
        var open = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(64))
        {
            var opening = new List<Task<IdleClient?>>(streams);
            for (var i = 0; i < streams; i++)
            {
                await gate.WaitAsync(ct);
                var bytes = Encoding.ASCII.GetBytes(request(i));
                // Past about 28,000 ports to one address, spread over 127.0.0.x source addresses.
                var source = IPAddress.Parse($"127.0.0.{2 + (i / 20_000)}");
                opening.Add(OpenAsync(source, port, bytes, run.Token).ContinueWith(t =>
                {
                    gate.Release();
                    return t.IsCompletedSuccessfully ? t.Result : null;
                }, TaskScheduler.Default));
            }

            foreach (var client in await Task.WhenAll(opening))
            {
                if (client is not null)
                {
                    clients.Add(client);
                }
            }
        }

        Console.WriteLine($"  {clients.Count} of {streams} streams open in {open.Elapsed.TotalSeconds:F0} s; waiting past a heartbeat");
        await Task.Delay(heartbeat + heartbeat / 2, ct);
        await InducedCollection.RunAsync(pid, ct);
        var (rssAfter, heapAfter) = (await SettledRssAsync(pid, ct), await heapOf(port, ct));
        var held = clients.Count(c => c.Open);
        var heartbeats = clients.Sum(c => c.Heartbeats);
        Console.WriteLine($"  {held} still open, {heartbeats} heartbeats received");
        if (hold > TimeSpan.Zero)
        {
            Console.WriteLine($"  holding the streams {hold.TotalSeconds:F0} s: process {pid}");
            await Task.Delay(hold, ct);
        }

        await run.CancelAsync();
        foreach (var client in clients)
        {
            client.Dispose();
        }

        return new Row(streams, held, rssAfter, heapAfter,
            held == 0 ? 0 : (double)(rssAfter - rssBefore) / held, held == 0 ? 0 : (double)(heapAfter - heapBefore) / held);
    }

    private static async Task<IdleClient> OpenAsync(IPAddress source, int port, byte[] request, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            await socket.SendAsync(request, ct);
            var client = new IdleClient(socket);
            await client.WaitConnectedAsync(ct);
            _ = client.DrainAsync(ct);
            return client;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>One idle stream: reads until ": connected", then counts heartbeats until closed.</summary>
    private sealed class IdleClient(Socket socket) : IDisposable
    {
        private readonly byte[] _buffer = new byte[512];

        public bool Open { get; private set; } = true;

        public int Heartbeats { get; private set; }

        public async Task WaitConnectedAsync(CancellationToken ct)
        {
            var seen = new StringBuilder();
            while (!seen.ToString().Contains(": connected", StringComparison.Ordinal))
            {
                var n = await socket.ReceiveAsync(_buffer, ct);
                if (n == 0)
                {
                    throw new IOException("closed before : connected");
                }

                seen.Append(Encoding.ASCII.GetString(_buffer, 0, n));
                if (seen.Length > 4096)
                {
                    throw new IOException($"no stream: {seen.ToString()[..200]}");
                }
            }
        }

        public async Task DrainAsync(CancellationToken ct)
        {
            try
            {
                int n;
                while ((n = await socket.ReceiveAsync(_buffer, ct)) > 0)
                {
                    if (_buffer.AsSpan(0, n).IndexOf(": heartbeat"u8) >= 0)
                    {
                        Heartbeats++;
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }

            Open = false;
        }

        public void Dispose() => socket.Dispose();
    }

    /// <summary>The managed heap after the last GC, from the server's /metrics (the runtime's meter).</summary>
    private static async Task<long> HeapOfServerAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"), ct);
        var total = 0.0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("dotnet_gc_last_collection_heap_size_bytes{", StringComparison.Ordinal))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return (long)total;
    }

    private static async Task<long> HeapOfBareAsync(int port, CancellationToken ct)
    {
        using var http = new HttpClient();
        return long.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/heap"), ct), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The resident set once it stops falling: after a collection the GC gives back the free
    /// regions it keeps over a few seconds, and a reading in the middle of that moved the figure
    /// per stream by several KB between runs of one build. At most 15 s.
    /// </summary>
    private static async Task<long> SettledRssAsync(int pid, CancellationToken ct)
    {
        var last = Rss(pid);
        for (var i = 0; i < 15; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var now = Rss(pid);
            if (Math.Abs(now - last) < last / 200)
            {
                return now;
            }

            last = now;
        }

        return last;
    }

    private static long Rss(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS for process {pid}");
    }

    private static string OpenFilesLimit()
    {
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        return line is null ? "unknown" : string.Join('/', line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3..5]);
    }

    /// <summary>
    /// The limit: Kestrel with a minimal-API SSE endpoint that writes the same opening lines and
    /// a comment heartbeat, one awaited delay per stream, nothing else.
    /// </summary>
    private static async Task RunBareServerAsync(int port, TimeSpan heartbeat, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        app.MapGet("/heap", () => GC.GetGCMemoryInfo().HeapSizeBytes.ToString(CultureInfo.InvariantCulture));
        app.MapGet("/events", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.Body.WriteAsync("retry: 3000\n: connected\n\n"u8.ToArray(), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                while (true)
                {
                    await Task.Delay(heartbeat, context.RequestAborted);
                    await context.Response.Body.WriteAsync(": heartbeat\n\n"u8.ToArray(), context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        await app.StartAsync(ct);
        await app.WaitForShutdownAsync(ct);
    }
}
