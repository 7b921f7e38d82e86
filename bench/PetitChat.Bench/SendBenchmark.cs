using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// The send path at its limit (issue 18, goal 1): one in-process server, N SSE streams in groups,
/// and a closed-loop client that keeps C requests in flight over C pooled connections. Three
/// phases in the same run: <c>GET /healthz</c> (the client's own limit: no auth, no store),
/// <c>GET /api/v1/me</c> (a bare authenticated call, the goal's yardstick) and
/// <c>POST .../signals</c> with every member listening (send→deliver latency from a stamp in the
/// text). <c>--before KEY=VALUE</c> (repeatable) runs the same phases first on a server started
/// with those settings, and <c>--before-dll PATH</c> runs it on another build of the server (such as
/// main's), so an old path and the new one print side by side on the same machine. <c>--rounds N</c>
/// runs both N times, alternating which goes first, and prints the medians.
/// </summary>
public sealed class SendBenchmark : IBenchmark
{
    private const int WarmUpFrom = 100_000_000;

    // The server's JIT goes on compiling tier-1 code long after a phase starts: with the fanout
    // bench's "fewer than 20 methods a second for two seconds", the sends' measured 20 s still
    // compiled 725 methods (docs/decisions/0014, 2026-12-03 (2)), and µs/send measured that JIT.
    private const int SettledJitMethods = 5;
    private const int SettledSeconds = 3;
    private const int MaxWarmUpSeconds = 90;

    public string Name => "send";

    public string Description =>
        "send at max rate with streams listening, beside GET /me and /healthz [--clients 200] [--group 10] [--connections 32] [--seconds 8] [--rate 0 (max)] [--before KEY=VALUE] [--before-dll PATH] [--rounds 1] [--http-streams]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var settings = new Settings(
            FanoutBenchmark.Option(args, "--clients", 200), FanoutBenchmark.Option(args, "--group", 10),
            FanoutBenchmark.Option(args, "--connections", 32), FanoutBenchmark.Option(args, "--seconds", 8),
            FanoutBenchmark.Option(args, "--rate", 0), args.Contains("--http-streams"));
        var before = Values(args, "--before");
        var beforeDll = Values(args, "--before-dll") is [var path] ? Path.GetFullPath(path) : null;
        Console.WriteLine($"send: {settings.Clients} SSE streams in groups of {settings.GroupSize}, {settings.Connections} connections, " +
                          $"{settings.Seconds} s per phase, rate {(settings.Rate == 0 ? "max" : settings.Rate.ToString(CultureInfo.InvariantCulture) + "/s")}");
        var serverDll = FanoutBenchmark.ServerDll();
        var configurations = new List<(string Name, string Dll, List<string> Settings)>();
        if (before.Count > 0 || beforeDll is not null)
        {
            configurations.Add(("before: " + string.Join(' ', beforeDll is null ? before : ["other build", .. before]), beforeDll ?? serverDll, before));
        }

        configurations.Add(("defaults", serverDll, []));

        // Rows of one run differ by 4–24 % with the same server and settings (docs/decisions/0014,
        // 2026-12-03): with --rounds, each configuration runs that many times, in the order
        // A B, B A, A B... so that neither is always first, and the medians are printed at the end.
        var rounds = FanoutBenchmark.Option(args, "--rounds", 1);
        var rows = new List<(string Name, int Configuration, Row Row)>();
        for (var round = 0; round < rounds; round++)
        {
            var order = Enumerable.Range(0, configurations.Count);
            foreach (var i in round % 2 == 0 ? order : order.Reverse())
            {
                var (name, dll, serverSettings) = configurations[i];
                rows.Add((rounds > 1 ? $"{name} (round {round + 1})" : name, i, await RunServerAsync(dll, settings, serverSettings, ct)));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{"server",-44} {"healthz/s",10} {"me/s",8} {"sends/s",8} {"send/me",8} {"µs/me",7} {"µs/send",8} {"cpu ratio",9} " +
                          $"{"deliv/s",8} {"missing",8} {"post p50",9} {"post p99",9} {"dlv p50",8} {"dlv p99",8} {"dlv max",8} {"send jit",8}");
        foreach (var (name, _, row) in rows)
        {
            var post = Percentiles.Of(row.SendLatencies);
            var deliver = Percentiles.Of(row.DeliverLatencies);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-44} {row.Healthz.PerSecond,10:F0} {row.Me.PerSecond,8:F0} {row.Sends.PerSecond,8:F0} {row.Sends.PerSecond / row.Me.PerSecond,8:F2} " +
                $"{row.Me.ServerCpuMicros,7:F0} {row.Sends.ServerCpuMicros,8:F0} {row.Me.ServerCpuMicros / row.Sends.ServerCpuMicros,9:F2} {row.DeliveriesPerSecond,8:F0} {row.Missing,8} {post.P50,9:F2} {post.P99,9:F2} {deliver.P50,8:F2} {deliver.P99,8:F2} {deliver.Max,8:F2} {row.Sends.JitMethods,8:F0}"));
        }

        if (rounds > 1)
        {
            Console.WriteLine();
            Console.WriteLine($"medians of {rounds} rounds: {"server",-44} {"sends/s",8} {"send/me",8} {"µs/me",7} {"µs/send",8} {"cpu ratio",9} {"dlv p99",8}");
            for (var i = 0; i < configurations.Count; i++)
            {
                var name = configurations[i].Name;
                var mine = rows.Where(r => r.Configuration == i).Select(r => r.Row).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"",-19} {name,-44} {Median(mine, r => r.Sends.PerSecond),8:F0} {Median(mine, r => r.Sends.PerSecond / r.Me.PerSecond),8:F2} " +
                    $"{Median(mine, r => r.Me.ServerCpuMicros),7:F0} {Median(mine, r => r.Sends.ServerCpuMicros),8:F0} " +
                    $"{Median(mine, r => r.Me.ServerCpuMicros / r.Sends.ServerCpuMicros),9:F2} {Median(mine, r => Percentiles.Of(r.DeliverLatencies).P99),8:F2}"));
            }
        }

        Console.WriteLine("latencies in ms; post = the send's HTTP round trip, dlv = send→delivery on every member's stream; " +
                          "healthz is the client's own limit (no auth, no store), me the goal's yardstick (send/me ≥ 0.3); " +
                          "µs = server CPU per request, and cpu ratio = µs/me ÷ µs/send, the send/me ratio that an idle machine would give when the server's CPU is the limit; " +
                          "send jit = methods the server's JIT compiled during the measured sends");
    }

    private static double Median(List<Row> rows, Func<Row, double> of)
    {
        var sorted = rows.Select(of).Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <param name="HttpClientStreams">Read the streams through HttpClient with a task per stream, as before 2026-12-02, instead of with <see cref="EventStreams"/>.</param>
    private sealed record Settings(int Clients, int GroupSize, int Connections, int Seconds, int Rate, bool HttpClientStreams);

    private sealed record Row(
        Phase Healthz, Phase Me, Phase Sends, double DeliveriesPerSecond, long Missing,
        IReadOnlyCollection<double> SendLatencies, IReadOnlyCollection<double> DeliverLatencies);

    private static async Task<Row> RunServerAsync(string serverDll, Settings settings, List<string> serverSettings, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("petitchat-bench-").FullName;
        foreach (var setting in serverSettings)
        {
            var (key, value) = setting.Split('=', 2) is [var k, var v] ? (k, v) : throw new ArgumentException($"--before takes KEY=VALUE, not {setting}");
            Environment.SetEnvironmentVariable(key, value);
        }

        var port = LoopbackPort.Free();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var process = await FanoutBenchmark.StartNodeAsync(serverDll, port, folder, url, natsUrl: null);
        foreach (var setting in serverSettings)
        {
            Environment.SetEnvironmentVariable(setting.Split('=', 2)[0], null);
        }

        try
        {
            using var serverProcess = Process.GetProcessById(process.ProcessId);
            using var handler = new SocketsHttpHandler
            {
                MaxConnectionsPerServer = settings.Connections,
                PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
                UseCookies = false,
                UseProxy = false,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
            };
            // The streams get their own handler: they hold their connections for the whole run.
            using var streamHandler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
            using var streamHttp = new HttpClient(streamHandler, disposeHandler: false) { BaseAddress = url, Timeout = Timeout.InfiniteTimeSpan };

            var users = await FanoutBenchmark.SignInAllAsync(http, settings.Clients, "send", ct);
            var bearer = users.Select(u => "Bearer " + u.Token).ToArray();
            var groups = (await FanoutBenchmark.CreateGroupsAsync(http, users, settings.GroupSize, ct))
                .Select(g => (SignalsUrl: $"/api/v1/chats/{g.ChatId}/signals", g.Members)).ToList();

            // Send stamps by sequence; each stream keeps its own samples (no shared collection on the hot path).
            var sentAt = new long[1 << 22];
            var perStream = new List<double>[settings.Clients];
            for (var i = 0; i < settings.Clients; i++)
            {
                perStream[i] = new List<double>(1 << 16);
            }

            var delivered = 0L;
            void OnSequence(int stream, int seq)
            {
                if (seq < sentAt.Length && Volatile.Read(ref sentAt[seq]) is var at and > 0)
                {
                    perStream[stream].Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                    Interlocked.Increment(ref delivered);
                }
            }

            using var streaming = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var readers = new Task[settings.Clients];
            using var epollStreams = settings.HttpClientStreams
                ? null
                : await EventStreams.OpenAsync([.. users.Select(u => (url, u.Token))], OnSequence, ct);
            if (settings.HttpClientStreams)
            {
                using var opened = new CountdownEvent(settings.Clients);
                for (var i = 0; i < settings.Clients; i++)
                {
                    var (stream, token) = (i, users[i].Token);
                    readers[i] = Task.Run(() => FanoutBenchmark.ReadStreamAsync(streamHttp, token, opened, seq => OnSequence(stream, seq), streaming.Token), ct);
                }

                if (!opened.Wait(TimeSpan.FromSeconds(60), ct))
                {
                    throw new TimeoutException("The SSE streams did not all open within a minute.");
                }
            }
            else
            {
                Array.Fill(readers, Task.CompletedTask);
            }

            Console.WriteLine($"server up at {url}, {settings.Clients} streams open{(serverSettings.Count > 0 ? " (" + string.Join(' ', serverSettings) + ")" : "")}");

            static HttpRequestMessage Healthz(int n) => new(HttpMethod.Get, "/healthz");
            HttpRequestMessage Me(int n)
            {
                var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/me");
                request.Headers.TryAddWithoutValidation("Authorization", bearer[n % bearer.Length]);
                return request;
            }

            // Every phase runs first unmeasured until the server's JIT has settled on its path:
            // tier-up goes on for tens of seconds after a start, and a phase that measured it
            // would compare the JIT's work rather than the requests'.
            await WarmUpAsync(settings, "healthz", Healthz, http, serverProcess, ct);
            var healthz = await ClosedLoopAsync(settings, TimeSpan.FromSeconds(Math.Max(2, settings.Seconds / 2)), Healthz, http, null, serverProcess, ct);
            Console.WriteLine($"  GET /healthz   {healthz}");
            await WarmUpAsync(settings, "me", Me, http, serverProcess, ct);
            var me = await ClosedLoopAsync(settings, TimeSpan.FromSeconds(Math.Max(2, settings.Seconds / 2)), Me, http, null, serverProcess, ct);
            Console.WriteLine($"  GET /me        {me}");

            var nextSeq = -1;
            var nextWarmUp = WarmUpFrom;
            var runTag = Guid.NewGuid().ToString("N")[..8];
            // The warm-up numbers its sends on from WarmUpFrom across its pieces: a clientId sent
            // again would be an idempotent replay, not a send.
            HttpRequestMessage Send(bool measured)
            {
                var seq = measured ? Interlocked.Increment(ref nextSeq) : Interlocked.Increment(ref nextWarmUp);
                var (signalsUrl, members) = groups[seq % groups.Count];
                var sender = members[seq / groups.Count % members.Length];
                var request = new HttpRequestMessage(HttpMethod.Post, signalsUrl);
                request.Headers.TryAddWithoutValidation("Authorization", bearer[sender]);
                // A small pre-sized UTF-8 body; the stamp in the text is what the streams look for.
                var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"kind":"message","text":"bench #{{seq}}# {{runTag}}","clientId":"s-{{runTag}}-{{seq}}"}"""));
                request.Content = new ByteArrayContent(body) { Headers = { ContentType = Json } };
                if (measured && seq < sentAt.Length)
                {
                    Volatile.Write(ref sentAt[seq], Stopwatch.GetTimestamp());
                }

                return request;
            }

            // Warm-up (JIT, pools), not stamped, then the measured run.
            await WarmUpAsync(settings, "sends", _ => Send(measured: false), http, serverProcess, ct);
            var started = Stopwatch.GetTimestamp();
            var sendLatencies = new List<double>[settings.Connections];
            var sends = await ClosedLoopAsync(settings, TimeSpan.FromSeconds(settings.Seconds), _ => Send(measured: true), http, sendLatencies, serverProcess, ct);
            var sent = Volatile.Read(ref nextSeq) + 1;
            var expected = (long)sent * settings.GroupSize;
            var deadline = Stopwatch.GetTimestamp();
            while (Interlocked.Read(ref delivered) < expected && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(20, ct);
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await streaming.CancelAsync();
            await Task.WhenAll(readers.Select(r => r.ContinueWith(static _ => { }, TaskScheduler.Default)));
            var deliveredCount = Interlocked.Read(ref delivered);
            Console.WriteLine($"  POST signals   {sends}; {sent} sent, {deliveredCount} of {expected} delivered");
            return new Row(healthz, me, sends, deliveredCount / elapsed, expected - deliveredCount,
                [.. sendLatencies.Where(l => l is not null).SelectMany(l => l)], [.. perStream.SelectMany(s => s)]);
        }
        finally
        {
            await process.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly MediaTypeHeaderValue Json = new("application/json");

    /// <summary>
    /// A phase's rate, the CPU that each request cost the server and the client (robust on a loaded
    /// machine), and the methods the server's JIT compiled during it: a phase that measured tier-up
    /// (docs/decisions/0014, 2026-12-03 (2)) shows it here.
    /// </summary>
    private sealed record Phase(double PerSecond, double ServerCpuMicros, double ClientCpuMicros, double? JitMethods)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture,
            $"{PerSecond,8:F0}/s, server CPU {ServerCpuMicros,6:F0} µs/request, client CPU {ClientCpuMicros,6:F0} µs/request, {JitMethods,5:F0} methods compiled");
    }

    /// <summary>
    /// C workers, each with one request in flight at a time, for the given time (or at a total
    /// rate, spread over the workers, when one is set). A failed response fails the run: a
    /// benchmark that counts errors as throughput would flatter the server.
    /// </summary>
    private static async Task<Phase> ClosedLoopAsync(Settings settings, TimeSpan duration, Func<int, HttpRequestMessage> make, HttpClient http,
        List<double>[]? latencies, Process server, CancellationToken ct)
    {
        var count = 0;
        var client = Process.GetCurrentProcess();
        var compiled = (await FanoutBenchmark.NodeFiguresAsync([http], ct)).JitMethods;
        server.Refresh();
        var (serverCpu, clientCpu) = (server.TotalProcessorTime, client.TotalProcessorTime);
        var started = Stopwatch.GetTimestamp();
        var interval = settings.Rate > 0 ? TimeSpan.FromSeconds((double)settings.Connections / settings.Rate) : TimeSpan.Zero;
        var workers = Enumerable.Range(0, settings.Connections).Select(w => Task.Run(async () =>
        {
            var mine = new List<double>(1 << 14);
            if (latencies is not null)
            {
                latencies[w] = mine;
            }

            var next = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                if (interval > TimeSpan.Zero)
                {
                    next += (long)(interval.TotalSeconds * Stopwatch.Frequency);
                    var wait = next - Stopwatch.GetTimestamp();
                    if (wait > 0)
                    {
                        await Task.Delay(TimeSpan.FromSeconds((double)wait / Stopwatch.Frequency), ct);
                    }
                }

                var n = Interlocked.Increment(ref count);
                using var request = make(n);
                var at = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: " +
                                                   await response.Content.ReadAsStringAsync(ct));
                }

                mine.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        server.Refresh();
        client.Refresh();
        var done = Math.Max(1, Volatile.Read(ref count));
        return new Phase(done / elapsed, (server.TotalProcessorTime - serverCpu).TotalMicroseconds / done,
            (client.TotalProcessorTime - clientCpu).TotalMicroseconds / done, (await FanoutBenchmark.NodeFiguresAsync([http], ct)).JitMethods - compiled);
    }

    /// <summary>
    /// Runs a phase unmeasured for three seconds, then a second at a time until the server's JIT
    /// compiled fewer than <see cref="SettledJitMethods"/> methods in each of
    /// <see cref="SettledSeconds"/> seconds in a row (at most <see cref="MaxWarmUpSeconds"/> in
    /// all), and prints how long that took and what the JIT compiled in its last seconds.
    /// </summary>
    private static async Task WarmUpAsync(Settings settings, string phase, Func<int, HttpRequestMessage> make, HttpClient http, Process server,
        CancellationToken ct)
    {
        var (seconds, quiet) = (3, 0);
        var perSecond = new List<double>();
        await ClosedLoopAsync(settings with { Rate = 0 }, TimeSpan.FromSeconds(seconds), make, http, null, server, ct);
        while (quiet < SettledSeconds && seconds < MaxWarmUpSeconds)
        {
            var second = await ClosedLoopAsync(settings with { Rate = 0 }, TimeSpan.FromSeconds(1), make, http, null, server, ct);
            if (second.JitMethods is not { } compiled)
            {
                break;
            }

            seconds++;
            perSecond.Add(compiled);
            quiet = compiled < SettledJitMethods ? quiet + 1 : 0;
        }

        Console.WriteLine($"  {phase} warmed up for {seconds} s; methods compiled in its last seconds: {string.Join(", ", perSecond.TakeLast(8))}");
    }

    private static List<string> Values(string[] args, string name)
    {
        var values = new List<string>();
        for (var i = 0; i + 1 < args.Length; i++)
        {
            if (args[i] == name)
            {
                values.Add(args[i + 1]);
            }
        }

        return values;
    }
}
