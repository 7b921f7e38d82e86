using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using NATS.Client.Core;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// Live fan-out end to end: N SSE clients in group chats, messages posted over HTTP at a fixed
/// rate, send→receive latency and delivered events/s. Three rows side by side: the in-process
/// bus (one node, since it cannot span nodes), NATS JetStream with the clients spread over two
/// server processes sharing one store, and raw NATS pub/sub with the same fan-out and no server
/// in between (the limit to compare with).
/// </summary>
public sealed class FanoutBenchmark : IBenchmark
{
    private const string Password = "bench-password";
    /// <summary>Sequences from here on are the warm-up's (<see cref="WarmUpAsync"/> numbers them so), not measured.</summary>
    internal const int WarmUpFrom = 1_000_000;

    /// <summary>Methods compiled by the nodes in one second of warm-up, below which their JIT has settled.</summary>
    internal const int SettledJitMethods = 20;

    public string Name => "fanout";

    public string Description =>
        "SSE fan-out: in-process vs NATS over two nodes vs raw NATS [--clients 200] [--group 10] [--rate 50] [--seconds 15] " +
        "[--warm-up 5] [--settle 60] [--rows inprocess,nats2,nats1,raw] [--server path/PetitChat.Server.dll] [--base path/PetitChat.Server.dll (a before row beside each server row)] " +
        "[--sqlite-busy-steps] [--node-notifications] [--one-node-nats] [--in-process-only] [--env NAME=VALUE]... (the same build again beside each server row, with these settings)";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var settings = new Settings(
            Option(args, "--clients", 200), Option(args, "--group", 10), Option(args, "--rate", 50), Option(args, "--seconds", 15), Option(args, "--warm-up", 5),
            Option(args, "--settle", 60));
        Console.WriteLine($"fanout: {settings.Clients} SSE clients in groups of {settings.GroupSize}, " +
                          $"{settings.Rate} messages/s for {settings.Seconds} s, each message to {settings.GroupSize} streams, after a warm-up at the same rate " +
                          $"of {settings.WarmUp} s or more, until the nodes' JIT compiles fewer than {SettledJitMethods} methods a second for two seconds (at most {settings.Settle} s more)");
        // --server: another build of the server (another branch's), to print before and after back to back.
        var at = Array.IndexOf(args, "--server");
        var serverDll = at >= 0 && at + 1 < args.Length ? Path.GetFullPath(args[at + 1]) : ServerDll();
        Console.WriteLine($"server: {serverDll}");
        // --base: main's build (or any other), whose two-node NATS row is printed beside ours as "before".
        var baseAt = Array.IndexOf(args, "--base");
        var baseDll = baseAt >= 0 && baseAt + 1 < args.Length ? Path.GetFullPath(args[baseAt + 1]) : null;
        var rows = new List<(string Name, Result Result)>();
        // --rows: which rows, of inprocess, nats2, nats1, raw (--one-node-nats adds nats1,
        // --in-process-only keeps inprocess alone). --base runs main's build (or any other) for
        // each server row too, just before ours, as its "before" in the same run.
        var picked = (Value(args, "--rows") ?? "inprocess,nats2,raw").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        if (args.Contains("--one-node-nats"))
        {
            picked.Add("nats1");
        }

        if (args.Contains("--in-process-only"))
        {
            picked = ["inprocess"];
        }

        if (baseDll is not null)
        {
            Console.WriteLine($"base server: {baseDll}");
        }

        // --env: runtime settings (DOTNET_gcServer=0...) tried on this build, each row run again with them in the same run.
        var env = StreamsBenchmark.EnvOptions(args);
        var named = string.Join(' ', env.Select(s => $"{s.Name}={s.Value}"));
        if (env.Count > 0)
        {
            Console.WriteLine($"and the same build with {named}");
        }

        async Task AddAsync(string name, Func<string, Task<Result>> run)
        {
            if (baseDll is not null)
            {
                rows.Add(($"{name}, base", await run(baseDll)));
            }

            rows.Add((name, await run(serverDll)));
            if (env.Count > 0)
            {
                rows.Add(($"  with {named}", await StreamsBenchmark.WithEnvironmentAsync(env, () => run(serverDll))));
            }
        }

        // Each NATS row on a fresh nats-server: no row inherits another's stream contents or its
        // killed nodes' consumers (they linger for InactiveThreshold).
        if (picked.Contains("inprocess"))
        {
            await AddAsync("in-process, 1 node", dll => RunServersAsync(dll, settings, nodes: 1, natsUrl: null, ct));
        }

        if (args.Contains("--sqlite-busy-steps"))
        {
            // This build with SQLite's own busy back-off: the lock wait alone, before and after.
            rows.Add(("NATS, 2 nodes, busy steps", await WithNatsAsync((url, cpu) => RunServersAsync(serverDll, settings, nodes: 2, url, ct, busyWait: "Sqlite", natsCpu: cpu))));
        }

        if (picked.Contains("nats2"))
        {
            await AddAsync("NATS JetStream, 2 nodes", dll => WithNatsAsync((url, cpu) => RunServersAsync(dll, settings, nodes: 2, url, ct, natsCpu: cpu)));
        }

        if (args.Contains("--node-notifications"))
        {
            // Each node with its own in-process notification queue and presence (the settings' default,
            // and the issue's row): a node then counts the streams open on the other as offline.
            rows.Add(("NATS, 2 nodes, each node's notifications", await WithNatsAsync((url, cpu) =>
                RunServersAsync(serverDll, settings, nodes: 2, url, ct, natsCpu: cpu, natsNotifications: false))));
        }

        if (picked.Contains("nats1"))
        {
            // The bus without a second process: what NATS costs apart from two processes sharing one store.
            await AddAsync("NATS JetStream, 1 node", dll => WithNatsAsync((url, cpu) => RunServersAsync(dll, settings, nodes: 1, url, ct, natsCpu: cpu)));
        }

        if (picked.Contains("raw"))
        {
            rows.Add(("raw NATS pub/sub (limit)", await WithNatsAsync((url, _) => RunRawNatsAsync(url, settings, ct))));
        }

        Console.WriteLine();
        Console.WriteLine("What the server rows share: the nodes of a row are processes on this machine with one SQLite file (WAL) and one");
        Console.WriteLine("nats-server; send ms is POST → 201 at the client (store commit + JetStream acks). From the nodes' /metrics over the");
        Console.WriteLine("measured phase, all nodes summed ('-' when the build does not count it): busy = SQLite calls that waited for another");
        Console.WriteLine("writer's lock and ms slept; cpu s = the server processes' CPU time; gc ms = GC pauses; pub ms = mean time of one");
        Console.WriteLine("event's JetStream publishes inside a send, to their acks (one per recipient before decision 0023, one per event since); nats cpu = nats-server's CPU;");
        Console.WriteLine("gcs = collections (all generations), gen2 = of them full ones; KB/dlv = bytes the nodes allocated per event delivered;");
        Console.WriteLine("jit = methods the nodes' JIT compiled in the measured phase (tier-up still going on when it is large).");
        Console.WriteLine($"{"bus",-30} {"sent",6} {"failed",6} {"delivered",10} {"missing",8} {"events/s",9} {"p50 ms",8} {"p99 ms",8} {"max ms",8} " +
                          $"{"send p50",9} {"send p99",9} {"busy waits",11} {"busy ms",9} {"cpu s",7} {"gc ms",7} {"gcs",5} {"gen2",5} {"KB/dlv",7} {"pub ms",7} {"nats cpu",8} {"jit",6}");
        foreach (var (name, result) in rows)
        {
            var latency = Percentiles.Of(result.Latencies);
            var send = result.SendLatencies.Length > 0 ? Percentiles.Of(result.SendLatencies) : null;
            var f = result.Figures;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-30} {result.Sent,6} {result.Failed,6} {result.Latencies.Count,10} {result.Missing,8} {result.EventsPerSecond,9:F0} {latency.P50,8:F2} {latency.P99,8:F2} {latency.Max,8:F2} ") +
                (send is null ? $"{"-",9} {"-",9} " : string.Create(CultureInfo.InvariantCulture, $"{send.P50,9:F2} {send.P99,9:F2} ")) +
                Column(f?.BusyWaits, 11, "F0") + " " + Column(f?.BusySlept, 9, "F0") + " " + Column(f?.CpuSeconds, 7, "F1") + " " +
                Column(f?.GcPauseSeconds * 1000, 7, "F0") + " " + Column(f?.Collections, 5, "F0") + " " + Column(f?.FullCollections, 5, "F0") + " " +
                Column(result.Latencies.Count > 0 ? f?.AllocatedBytes / 1024 / result.Latencies.Count : null, 7, "F1") + " " +
                Column(f is { Publishes: > 0 } p ? p.PublishMs / p.Publishes : null, 7, "F2") + " " +
                Column(f?.NatsCpuSeconds, 8, "F1") + " " + Column(f?.JitMethods, 6, "F0"));
        }
    }

    private static string Column(double? value, int width, string format) =>
        (value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-").PadLeft(width);

    /// <summary>Runs a row on a fresh nats-server; the row may read that server's CPU time (seconds) when it likes.</summary>
    private static async Task<Result> WithNatsAsync(Func<string, Func<double>, Task<Result>> run)
    {
        await using var nats = await NatsServer.StartAsync();
        var pid = nats.ProcessId ?? throw new InvalidOperationException("nats-server is not running.");
        return await run(nats.Url, () =>
        {
            using var process = Process.GetProcessById(pid);
            return process.TotalProcessorTime.TotalSeconds;
        });
    }

    /// <param name="WarmUp">Seconds sent at the rate before the measured phase, not measured: with one
    /// second the runtime was still moving the send path up its compilation tiers during the
    /// measured phase, and its p99 was largely that (decision 0017, 2026-12-01).</param>
    /// <param name="Settle">Seconds the warm-up may go on past <paramref name="WarmUp"/> while the nodes'
    /// JIT is still busy: 13–39 s after a start at 200 messages/s (decision 0014, 2026-12-01 (2)). The
    /// row's <c>jit</c> column says how many methods were compiled in the measured phase anyway.</param>
    private sealed record Settings(int Clients, int GroupSize, int Rate, int Seconds, int WarmUp, int Settle)
    {
        public int Messages => Rate * Seconds;
    }

    private sealed record Result(int Sent, long Missing, IReadOnlyCollection<double> Latencies, double EventsPerSecond)
    {
        /// <summary>POST → 201 of each measured send, at the client.</summary>
        public double[] SendLatencies { get; init; } = [];

        /// <summary>What the row's nodes counted during the measured phase (null for raw NATS).</summary>
        public NodeFigures? Figures { get; init; }

        /// <summary>Sends answered with an error (warm-up included); their events are not expected.</summary>
        public int Failed { get; init; }
    }

    /// <summary>Starts the server processes, signs the users in, opens their streams, and measures.</summary>
    private static async Task<Result> RunServersAsync(
        string serverDll, Settings settings, int nodes, string? natsUrl, CancellationToken ct, string? busyWait = null, Func<double>? natsCpu = null,
        bool natsNotifications = true)
    {
        var folder = Directory.CreateTempSubdirectory("petitchat-bench-").FullName;
        var processes = new List<EngineProcess>();
        try
        {
            var urls = new List<Uri>();
            for (var i = 0; i < nodes; i++)
            {
                var port = LoopbackPort.Free();
                urls.Add(new Uri($"http://127.0.0.1:{port}/"));
                processes.Add(await StartNodeAsync(serverDll, port, folder, urls[0], natsUrl, busyWait, natsNotifications));
            }

            Console.WriteLine($"{(natsUrl is null ? "in-process" : "NATS")}: {nodes} node(s) up; signing in {settings.Clients} users");
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            var http = urls.Select(u => new HttpClient(handler, disposeHandler: false) { BaseAddress = u, Timeout = TimeSpan.FromMinutes(2) }).ToArray();
            var users = await SignInAllAsync(http[0], settings.Clients, "bench", ct);
            var groups = await CreateGroupsAsync(http[0], users, settings.GroupSize, ct);

            var sentAt = new ConcurrentDictionary<int, long>();
            var latencies = new ConcurrentBag<double>();
            var sendLatencies = new ConcurrentBag<double>();
            var failed = 0;
            var measuredOk = 0L;
            var delivered = 0L;
            using var streams = await EventStreams.OpenAsync([.. users.Select((user, i) => (urls[i % nodes], user.Token))], (_, seq) =>
            {
                if (sentAt.TryGetValue(seq, out var at))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                    Interlocked.Increment(ref delivered);
                }
            }, ct);

            async Task SendAsync(int seq, CancellationToken token)
            {
                var (chat, members) = groups[seq % groups.Count];
                var sender = members[seq / groups.Count % members.Length];
                var at = Stopwatch.GetTimestamp();
                if (seq < WarmUpFrom)
                {
                    sentAt[seq] = at;
                }

                using var request = Authorized(HttpMethod.Post, $"/api/v1/chats/{chat}/signals", users[sender].Token);
                request.Content = JsonContent.Create(new { kind = "message", text = $"bench #{seq}#", clientId = $"bench-{seq}" });
                using var response = await http[sender % nodes].SendAsync(request, token);
                if (!response.IsSuccessStatusCode)
                {
                    // A failed send is a figure of the row (a 503 is a publish or a store past its
                    // timeout): counted, its first answer printed, its events not expected.
                    if (Interlocked.Increment(ref failed) == 1)
                    {
                        Console.WriteLine($"first failed send: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(token)}");
                    }

                    sentAt.TryRemove(seq, out _);
                    return;
                }

                if (seq < WarmUpFrom)
                {
                    Interlocked.Increment(ref measuredOk);
                    sendLatencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }
            }

            await WarmUpAsync(http, settings.Rate, settings.WarmUp, settings.Settle, (count, first) => SendAtRateAsync(settings.Rate, count, first, SendAsync, ct), ct);
            var figuresBefore = await NodeFiguresAsync(http, ct);
            var natsCpuBefore = natsCpu?.Invoke();
            var started = Stopwatch.GetTimestamp();
            var sent = await SendAtRateAsync(settings.Rate, settings.Messages, 0, SendAsync, ct);

            var expected = Interlocked.Read(ref measuredOk) * settings.GroupSize;
            await WaitForAsync(() => Interlocked.Read(ref delivered) >= expected, TimeSpan.FromSeconds(15), ct);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var figures = (await NodeFiguresAsync(http, ct)).Minus(figuresBefore) with { NatsCpuSeconds = natsCpu?.Invoke() - natsCpuBefore };
            foreach (var client in http)
            {
                client.Dispose();
            }

            return new Result(sent, expected - Interlocked.Read(ref delivered), latencies.ToArray(), Interlocked.Read(ref delivered) / elapsed)
            {
                SendLatencies = sendLatencies.ToArray(),
                Figures = figures,
                Failed = Volatile.Read(ref failed),
            };
        }
        finally
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Sends at <paramref name="rate"/> for <paramref name="seconds"/>, then a second at a time until the
    /// nodes' JIT compiled fewer than <see cref="SettledJitMethods"/> methods in each of the last two,
    /// for at most <paramref name="settle"/> seconds more: the measured phase is then the steady state.
    /// <paramref name="send"/> sends a count of messages numbered from a first sequence.
    /// </summary>
    internal static async Task WarmUpAsync(HttpClient[] nodes, int rate, int seconds, int settle, Func<int, int, Task<int>> send, CancellationToken ct)
    {
        var warm = Math.Max(1, seconds);
        await send(rate * warm, WarmUpFrom);
        var compiled = (await NodeFiguresAsync(nodes, ct)).JitMethods;
        var extra = 0;
        var quiet = 0;
        // Two quiet seconds in a row: one can fall between two bursts of tier-up.
        while (compiled is not null && extra < settle && quiet < 2)
        {
            await send(rate, WarmUpFrom + rate * (warm + extra));
            extra++;
            var now = (await NodeFiguresAsync(nodes, ct)).JitMethods;
            quiet = now - compiled < SettledJitMethods ? quiet + 1 : 0;
            compiled = now;
        }

        Console.WriteLine($"  warmed up for {warm + extra} s");
    }

    /// <summary>Counters of the row's nodes, summed; a counter the build does not export stays null.</summary>
    internal sealed record NodeFigures(
        double? BusyWaits, double? BusySlept, double? CpuSeconds, double? GcPauseSeconds, double? Publishes, double? PublishMs)
    {
        /// <summary>nats-server's own CPU time over the same phase (not from /metrics).</summary>
        public double? NatsCpuSeconds { get; init; }

        /// <summary>Garbage collections of every generation, and of them the full (gen 2) ones.</summary>
        public double? Collections { get; init; }

        public double? FullCollections { get; init; }

        /// <summary>Bytes the nodes allocated on their managed heaps.</summary>
        public double? AllocatedBytes { get; init; }

        /// <summary>Methods the nodes' JIT compiled (every tier).</summary>
        public double? JitMethods { get; init; }

        public NodeFigures Minus(NodeFigures before) => new(
            BusyWaits - before.BusyWaits, BusySlept - before.BusySlept, CpuSeconds - before.CpuSeconds,
            GcPauseSeconds - before.GcPauseSeconds, Publishes - before.Publishes, PublishMs - before.PublishMs)
        {
            Collections = Collections - before.Collections,
            FullCollections = FullCollections - before.FullCollections,
            AllocatedBytes = AllocatedBytes - before.AllocatedBytes,
            JitMethods = JitMethods - before.JitMethods,
        };
    }

    /// <summary>Reads every node's <c>/metrics</c> and sums the counters the table prints.</summary>
    internal static async Task<NodeFigures> NodeFiguresAsync(HttpClient[] nodes, CancellationToken ct)
    {
        var sums = new Dictionary<string, double>();
        var gen2 = new List<double>();
        foreach (var node in nodes)
        {
            var text = await node.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct);
            foreach (var line in text.Split('\n'))
            {
                var parts = line.Split(' ');
                if (parts.Length < 2 || line.StartsWith('#'))
                {
                    continue;
                }

                var name = line[..line.IndexOfAny(['{', ' '])];
                if (name.StartsWith("dotnet_gc_collections", StringComparison.Ordinal) && line.Contains("gc_heap_generation=\"gen2\"", StringComparison.Ordinal))
                {
                    gen2.Add(double.Parse(parts[^1], CultureInfo.InvariantCulture));
                }

                sums[name] = sums.GetValueOrDefault(name) + double.Parse(parts[^1], CultureInfo.InvariantCulture);
            }
        }

        // By prefix: the exporter adds the unit and _total to the meter's names.
        double? Sum(string prefix) =>
            sums.Where(s => s.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(s => (double?)s.Value).Aggregate((double?)null, (a, b) => (a ?? 0) + b);
        return new NodeFigures(
            Sum("petitchat_store_sqlite_busy_waits"), Sum("petitchat_store_sqlite_busy_slept"),
            Sum("dotnet_process_cpu_time"), Sum("dotnet_gc_pause_time"),
            Sum("petitchat_bus_nats_fanouts"), Sum("petitchat_bus_nats_fanout_time"))
        {
            Collections = Sum("dotnet_gc_collections"),
            FullCollections = gen2.Count > 0 ? gen2.Sum() : null,
            AllocatedBytes = Sum("dotnet_gc_heap_total_allocated"),
            JitMethods = Sum("dotnet_jit_compiled_methods"),
        };
    }

    /// <summary>The same fan-out on core NATS subjects, one subscription per client over two connections.</summary>
    private static async Task<Result> RunRawNatsAsync(string natsUrl, Settings settings, CancellationToken ct)
    {
        Console.WriteLine("raw NATS: subscribing");
        await using var publisher = new NatsConnection(new NatsOpts { Url = natsUrl });
        await using var node1 = new NatsConnection(new NatsOpts { Url = natsUrl });
        await using var node2 = new NatsConnection(new NatsOpts { Url = natsUrl });
        var prefix = $"bench.{Guid.NewGuid():N}";
        var sentAt = new ConcurrentDictionary<int, long>();
        var latencies = new ConcurrentBag<double>();
        var delivered = 0L;
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var readers = new List<Task>();
        for (var i = 0; i < settings.Clients; i++)
        {
            var subscription = await (i % 2 == 0 ? node1 : node2).SubscribeCoreAsync<int>($"{prefix}.{i}", cancellationToken: ct);
            readers.Add(Task.Run(async () =>
            {
                await using (subscription)
                {
                    await foreach (var msg in subscription.Msgs.ReadAllAsync(streaming.Token))
                    {
                        if (sentAt.TryGetValue(msg.Data, out var at))
                        {
                            latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                            Interlocked.Increment(ref delivered);
                        }
                    }
                }
            }, ct));
        }

        await node1.PingAsync(ct);
        await node2.PingAsync(ct);
        var groups = settings.Clients / settings.GroupSize;
        async Task SendAsync(int seq, CancellationToken token)
        {
            var first = seq % groups * settings.GroupSize;
            if (seq < WarmUpFrom)
            {
                sentAt[seq] = Stopwatch.GetTimestamp();
            }

            for (var m = first; m < first + settings.GroupSize; m++)
            {
                await publisher.PublishAsync($"{prefix}.{m}", seq, cancellationToken: token);
            }
        }

        await SendAtRateAsync(settings.Rate, settings.Rate, WarmUpFrom, SendAsync, ct);
        var started = Stopwatch.GetTimestamp();
        var sent = await SendAtRateAsync(settings.Rate, settings.Messages, 0, SendAsync, ct);

        var expected = (long)sent * settings.GroupSize;
        await WaitForAsync(() => Interlocked.Read(ref delivered) >= expected, TimeSpan.FromSeconds(15), ct);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await streaming.CancelAsync();
        await Task.WhenAll(readers.Select(r => r.ContinueWith(static _ => { }, TaskScheduler.Default)));
        return new Result(sent, expected - Interlocked.Read(ref delivered), latencies.ToArray(), Interlocked.Read(ref delivered) / elapsed);
    }

    /// <summary>
    /// Starts a message every 1/rate seconds, without waiting for earlier ones; returns how many
    /// were sent. Sequences from <see cref="WarmUpFrom"/> on are a warm-up (JIT, connection
    /// pools) and are not measured.
    /// </summary>
    /// <summary>
    /// Starts <paramref name="count"/> sends at <paramref name="rate"/> per second, by the clock: each
    /// wake-up starts every send that is due by then. (A PeriodicTimer of 2 ms ticks about every 4 ms
    /// here and drops the ticks it missed, so "500/s" used to offer about 250/s.)
    /// </summary>
    internal static async Task<int> SendAtRateAsync(int rate, int count, int firstSeq, Func<int, CancellationToken, Task> send, CancellationToken ct)
    {
        var sends = new List<Task>(count);
        var started = Stopwatch.GetTimestamp();
        while (sends.Count < count)
        {
            var due = Math.Min(count, (int)(Stopwatch.GetElapsedTime(started).TotalSeconds * rate) + 1);
            while (sends.Count < due)
            {
                sends.Add(send(firstSeq + sends.Count, ct));
            }

            if (sends.Count < count)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(1), ct);
            }
        }

        await Task.WhenAll(sends);
        return sends.Count;
    }

    /// <summary>
    /// Opens the user's event stream, signals <paramref name="opened"/> at its first comment, and
    /// hands each "bench #N#" stamp found in a data line to <paramref name="onSequence"/>.
    /// </summary>
    internal static async Task ReadStreamAsync(HttpClient http, string token, CountdownEvent opened, Action<int> onSequence, CancellationToken ct)
    {
        try
        {
            using var request = Authorized(HttpMethod.Get, "/api/v1/events", token);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            // Lines are scanned as bytes where they were read, without a string per line.
            var buffer = new byte[16 * 1024];
            var (start, end) = (0, 0);
            var signaled = false;
            while (true)
            {
                if (end == buffer.Length)
                {
                    if (start == 0)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }
                    else
                    {
                        buffer.AsSpan(start, end - start).CopyTo(buffer);
                        (start, end) = (0, end - start);
                    }
                }

                var read = await stream.ReadAsync(buffer.AsMemory(end), ct);
                if (read == 0)
                {
                    return;
                }

                end += read;
                int newline;
                while ((newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n')) >= 0)
                {
                    var line = buffer.AsSpan(start, newline);
                    start += newline + 1;
                    if (!signaled && line.StartsWith(": connected"u8))
                    {
                        opened.Signal();
                        signaled = true;
                    }
                    else if (line.StartsWith("data: "u8) && ParseSequence(line) is { } seq)
                    {
                        onSequence(seq);
                    }
                }

                if (start == end)
                {
                    (start, end) = (0, 0);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The run is over.
        }
    }

    /// <summary>The number in "bench #N#" inside a signal event's JSON, without parsing the whole document.</summary>
    internal static int? ParseSequence(string line) => ParseSequence(Encoding.UTF8.GetBytes(line));

    /// <inheritdoc cref="ParseSequence(string)"/>
    internal static int? ParseSequence(ReadOnlySpan<byte> line)
    {
        var start = line.IndexOf("bench #"u8);
        if (start < 0)
        {
            return null;
        }

        var rest = line[(start + 7)..];
        var end = rest.IndexOf((byte)'#');
        return end > 0 && int.TryParse(rest[..end], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) ? seq : null;
    }

    /// <summary>Signs in <paramref name="count"/> new users, eight at a time.</summary>
    internal static async Task<(string Token, Guid Id)[]> SignInAllAsync(HttpClient http, int count, string prefix, CancellationToken ct)
    {
        var users = new (string Token, Guid Id)[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (i, token) => users[i] = await SignInAsync(http, $"{prefix}-{i}-{Guid.NewGuid():N}", token));
        return users;
    }

    /// <summary>Group chats of consecutive users, <paramref name="groupSize"/> each, made by their first member.</summary>
    internal static async Task<List<(Guid ChatId, int[] Members)>> CreateGroupsAsync(HttpClient http, (string Token, Guid Id)[] users, int groupSize,
        CancellationToken ct)
    {
        var groups = new List<(Guid ChatId, int[] Members)>();
        for (var first = 0; first + groupSize <= users.Length; first += groupSize)
        {
            var members = Enumerable.Range(first, groupSize).ToArray();
            using var request = Authorized(HttpMethod.Post, "/api/v1/chats", users[first].Token);
            request.Content = JsonContent.Create(new { name = $"bench {first}", memberIds = members.Skip(1).Select(m => users[m].Id) });
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            var chat = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid();
            groups.Add((chat, members));
        }

        return groups;
    }

    internal static async Task<(string Token, Guid Id)> SignInAsync(HttpClient http, string username, CancellationToken ct)
    {
        using var tokenResponse = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = "petitchat-cli",
            ["username"] = username,
            ["password"] = Password,
        }), ct);
        tokenResponse.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("access_token").GetString()!;
        using var me = Authorized(HttpMethod.Get, "/api/v1/me", token);
        using var meResponse = await http.SendAsync(me, ct);
        meResponse.EnsureSuccessStatusCode();
        return (token, JsonDocument.Parse(await meResponse.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid());
    }

    internal static HttpRequestMessage Authorized(HttpMethod method, string url, string token)
    {
        var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>
    /// A server process: the first node's URL is every node's issuer, and the issuer keys and the
    /// SQLite file are shared, as in a deployment of several nodes.
    /// </summary>
    internal static Task<EngineProcess> StartNodeAsync(string serverDll, int port, string folder, Uri issuer, string? natsUrl, string? busyWait = null,
        bool natsNotifications = true)
    {
        var environment = new Dictionary<string, string?>
        {
            // Urls rather than ASPNETCORE_URLS: appsettings.json sets Urls, which would win over it.
            ["Urls"] = $"http://127.0.0.1:{port}",
            // The embedded issuer runs in Development only (the production guard).
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Store__Sqlite__Path"] = Path.Combine(folder, "petitchat.db"),
            ["Identity__Embedded__KeyPath"] = Path.Combine(folder, "issuer-keys.json"),
            ["Identity__Embedded__Issuer"] = issuer.AbsoluteUri,
            ["Identity__CliPassword"] = Password,
            ["Bus__Kind"] = natsUrl is null ? "inprocess" : "nats",
            ["Bus__Nats__Url"] = natsUrl,
            // Store:Sqlite:BusyWait: null leaves the build's default.
            ["Store__Sqlite__BusyWait"] = busyWait,
            // With a NATS bus, the notification queue and presence on the same NATS, as deploy/ runs a
            // cluster; or (natsNotifications false) each node's own, the default, which is right for one node only.
            ["Notifications__Kind"] = natsUrl is null ? null : natsNotifications ? "nats" : "inprocess",
            ["Notifications__Nats__Url"] = natsUrl is not null && natsNotifications ? natsUrl : null,
            ["Logging__LogLevel__Default"] = "Warning",
            // The bench floods on purpose: limits for real clients would measure the limiter.
            ["RateLimits__Api__PermitLimit"] = "100000000",
            ["RateLimits__Sends__PermitLimit"] = "100000000",
            ["RateLimits__Anonymous__PermitLimit"] = "100000000",
            ["RateLimits__Tickets__PermitLimit"] = "100000000",
            ["RateLimits__TokensPerAddress__PermitLimit"] = "100000000",
        };
        // EngineProcess passes this process's environment on to the child.
        foreach (var (key, value) in environment)
        {
            Environment.SetEnvironmentVariable(key, value);
        }

        return EngineProcess.StartAsync("dotnet", [serverDll], port, "Build the server first: dotnet build -c Release src/PetitChat.Server",
            workingDirectory: Path.GetDirectoryName(serverDll),
            // A loaded machine (other builds, a second node starting) can take more than the default 30 s.
            startTimeout: TimeSpan.FromMinutes(2));
    }

    /// <summary>The Release build of the server, found from the bench's own folder upwards.</summary>
    internal static string ServerDll()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "PetitChat.Server", "bin", "Release", "net10.0", "PetitChat.Server.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("src/PetitChat.Server/bin/Release/net10.0/PetitChat.Server.dll was not found: dotnet build -c Release src/PetitChat.Server");
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp();
        while (!condition() && Stopwatch.GetElapsedTime(deadline) < timeout)
        {
            await Task.Delay(20, ct);
        }
    }

    internal static string? Value(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    internal static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
