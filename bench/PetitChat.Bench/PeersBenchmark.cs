using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using PetitChat.Core.Common;
using PetitChat.Core.Signals;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// Petit chat beside a peer on the same box: our server (SQLite store, every message stored, the
/// in-process bus) with N users in groups of M receiving over SSE while messages are posted at a
/// total rate R, then ejabberd with group chat (MUC, rooms of M) driven by tsung at the same N, M
/// and R, with and without its message archive (bench/peers/ejabberd.sh). One table: messages/s,
/// p50/p99 send→deliver, CPU of each server and of its load generator over the sending window, and
/// memory per idle connection (RSS growth while the connections sit idle, after a full collection).
/// </summary>
public sealed class PeersBenchmark : IBenchmark
{
    public string Name => "peers";

    public string Description =>
        "Petit chat beside ejabberd + tsung: [--users 200] [--room 10] [--rate 100[,800]] [--seconds 30] [--history 0] [--peer mam,no-mam|none] [--server path/PetitChat.Server.dll (another build, for before and after)]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args);
        Console.WriteLine($"peers: {options.Users} users in groups of {options.Room}, {string.Join(" and ", options.Rates)} messages/s " +
                          $"for {options.Seconds} s; history {options.History:N0} messages; peers: {string.Join(", ", options.Peers)}");
        var rows = new List<Row>();
        foreach (var rate in options.Rates)
        {
            rows.Add(await RunOursAsync(options, rate, ct));
            foreach (var peer in options.Peers)
            {
                rows.Add(await RunPeerAsync(options, rate, peer, ct));
            }
        }

        Console.WriteLine();
        Console.WriteLine("Loaded-machine figures: client and server share the box; CPU is in cores over the sending window.");
        Console.WriteLine("ejabberd rows: 'delivered' counts tsung's latency samples, one per TCP read (a lower bound); msg/s is what tsung sent.");
        Console.WriteLine($"{"server",-28} {"rate",5} {"sent",6} {"delivered",10} {"msg/s",7} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"cpu",5} {"client cpu",10} {"KB/idle conn",12}");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{row.Name,-28} {row.Rate,5} {row.Sent,6} {$"{row.Delivered}/{row.Expected}",10} {row.MessagesPerSecond,7:F0} {row.P50,8:F2} {row.P99,8:F2} {row.Max,8:F2} {row.ServerCpu,5:F2} {row.ClientCpu,10:F2} {row.KilobytesPerConnection,12:F1}"));
        }
    }

    internal sealed record Row(
        string Name, int Rate, int Sent, long Delivered, long Expected, double MessagesPerSecond,
        double P50, double P99, double Max, double ServerCpu, double ClientCpu, double KilobytesPerConnection);

    internal sealed record Options(int Users, int Room, IReadOnlyList<int> Rates, int Seconds, int History, IReadOnlyList<string> Peers)
    {
        /// <summary>Another build of the server to run as ours (main's, for a before row).</summary>
        public string? Server { get; init; }

        public static Options Parse(string[] args)
        {
            var options = new Options(200, 10, [100], 30, 0, ["mam", "no-mam"]);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                var value = args[i + 1];
                options = args[i] switch
                {
                    "--users" => options with { Users = Positive(args[i], value) },
                    "--room" => options with { Room = Positive(args[i], value) },
                    "--rate" => options with { Rates = [.. value.Split(',').Select(r => Positive(args[i], r))] },
                    "--seconds" => options with { Seconds = Positive(args[i], value) },
                    "--history" => options with { History = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--peer" => options with { Peers = value == "none" ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries) },
                    "--server" => options with { Server = Path.GetFullPath(value) },
                    _ => throw new ArgumentException($"Unknown option {args[i]}."),
                };
            }

            if (options.Users % options.Room != 0)
            {
                throw new ArgumentException($"--users ({options.Users}) must be a multiple of --room ({options.Room}).");
            }

            if (options.Peers.FirstOrDefault(p => p is not ("mam" or "no-mam")) is { } unknown)
            {
                throw new ArgumentException($"Unknown peer '{unknown}': use mam, no-mam or none.");
            }

            return options;
        }

        private static int Positive(string name, string value) =>
            int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"{name} takes a positive whole number, not '{value}'.");
    }

    /// <summary>Our row: one server process on SQLite with the in-process bus, as a single-box deployment runs.</summary>
    private static async Task<Row> RunOursAsync(Options options, int rate, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("petitchat-peers-").FullName;
        var port = LoopbackPort.Free();
        var url = new Uri($"http://127.0.0.1:{port}/");
        var server = await FanoutBenchmark.StartNodeAsync(options.Server ?? FanoutBenchmark.ServerDll(), port, folder, url, natsUrl: null);
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
            using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) };
            Console.WriteLine($"petit chat: server up (pid {server.ProcessId}); signing in {options.Users} users");
            var users = new (string Token, Guid Id)[options.Users];
            await Parallel.ForEachAsync(Enumerable.Range(0, options.Users), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                async (i, token) => users[i] = await FanoutBenchmark.SignInAsync(http, $"peer-{i}-{Guid.NewGuid():N}", token));
            var groups = await CreateGroupsAsync(http, users, options.Room, ct);
            if (options.History > 0)
            {
                await FillHistoryAsync(Path.Combine(folder, "petitchat.db"), groups, users, options.History, ct);
            }

            using var serverProcess = Process.GetProcessById(server.ProcessId);
            var rssEmpty = await RssAfterCollectionAsync(server.ProcessId, serverProcess, ct);

            // Arrays sized for the whole window, filled in place, so that this process's heap does
            // not grow with the run (a dictionary and a bag held 144,000 send times and 1,440,000
            // latencies after 180 s at 800/s): its collections stall the thread that reads every
            // stream, and they are printed beside the server's.
            var measured = rate * options.Seconds;
            var sentAt = new long[measured];
            var latencies = new double[(long)measured * options.Room];
            var latencySeq = new int[latencies.Length];
            var postLatencies = new double[measured];
            var delivered = 0L;
            using var streams = await EventStreams.OpenAsync([.. users.Select(user => (url, user.Token))], (_, seq) =>
            {
                // One thread calls this (EventStreams); a measured send's time is written before it is sent.
                if ((uint)seq < (uint)sentAt.Length && Volatile.Read(ref sentAt[seq]) is var at && at != 0 && delivered < latencies.Length)
                {
                    latencies[delivered] = Stopwatch.GetElapsedTime(at).TotalMilliseconds;
                    latencySeq[delivered] = seq;
                    Interlocked.Increment(ref delivered);
                }
            }, ct);

            var rssIdle = await RssAfterCollectionAsync(server.ProcessId, serverProcess, ct);

            async Task SendAsync(int seq, CancellationToken token)
            {
                var (chat, members) = groups[seq % groups.Count];
                var sender = members[seq / groups.Count % members.Length];
                if (seq < sentAt.Length)
                {
                    Volatile.Write(ref sentAt[seq], Stopwatch.GetTimestamp());
                }

                using var request = FanoutBenchmark.Authorized(HttpMethod.Post, $"/api/v1/chats/{chat}/signals", users[sender].Token);
                request.Content = JsonContent.Create(new { kind = "message", text = $"bench #{seq}#", clientId = $"peer-{seq}" });
                var posted = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request, token);
                response.EnsureSuccessStatusCode();
                if (seq < postLatencies.Length)
                {
                    postLatencies[seq] = Stopwatch.GetElapsedTime(posted).TotalMilliseconds;
                }
            }

            // Warm-up (JIT, connection pool), not measured: five seconds, then on until the JIT has
            // settled. After one second the runtime's tiered compilation was still re-compiling the
            // send path during the window, and its stalls made the p99 (133 ms against 41–63 ms
            // after five, at 800/s on an idle machine; decision 0017); after five it still went on
            // for 13–39 s at 200/s (decision 0014, 2026-12-01 (2)). ejabberd's code is compiled before it starts.
            await FanoutBenchmark.WarmUpAsync([http], rate, seconds: 5, settle: 60,
                (count, first) => FanoutBenchmark.SendAtRateAsync(rate, count, first, SendAsync, ct), ct);
            serverProcess.Refresh();
            var serverCpuBefore = serverProcess.TotalProcessorTime;
            var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var nodeBefore = await FanoutBenchmark.NodeFiguresAsync([http], ct);
            var clientGcBefore = (GC.GetTotalPauseDuration(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var started = Stopwatch.GetTimestamp();
            var sent = await FanoutBenchmark.SendAtRateAsync(rate, measured, 0, SendAsync, ct);
            var window = Stopwatch.GetElapsedTime(started).TotalSeconds;
            serverProcess.Refresh();
            var serverCpu = (serverProcess.TotalProcessorTime - serverCpuBefore).TotalSeconds / window;
            var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore).TotalSeconds / window;

            var expected = (long)sent * options.Room;
            var deadline = Stopwatch.GetTimestamp();
            while (Interlocked.Read(ref delivered) < expected && Stopwatch.GetElapsedTime(deadline) < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(20, ct);
            }

            var clientGc = (Pause: GC.GetTotalPauseDuration() - clientGcBefore.Item1, Gen0: GC.CollectionCount(0) - clientGcBefore.Item2,
                Gen1: GC.CollectionCount(1) - clientGcBefore.Item3, Gen2: GC.CollectionCount(2) - clientGcBefore.Item4);
            var node = (await FanoutBenchmark.NodeFiguresAsync([http], ct)).Minus(nodeBefore);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"petit chat: the server in the window: {node.Collections:F0} collections ({node.FullCollections:F0} gen2), paused {node.GcPauseSeconds * 1000:F0} ms; " +
                $"SQLite busy waits {node.BusyWaits:F0} ({node.BusySlept:F0} ms slept); send round trip {Percentiles.Of(postLatencies)}"));
            var count = (int)Interlocked.Read(ref delivered);
            var latency = Percentiles.Of(new ArraySegment<double>(latencies, 0, count));
            PrintSlices(latencies.AsSpan(0, count), latencySeq.AsSpan(0, count), rate, options.Seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"petit chat: the client's collections in the window: {clientGc.Gen0} gen0, {clientGc.Gen1} gen1, {clientGc.Gen2} gen2, paused {clientGc.Pause.TotalMilliseconds:F0} ms"));
            var name = options.History > 0 ? $"Petit chat, {options.History / 1000:N0}k history" : "Petit chat (SQLite)";
            var row = new Row(name, rate, sent, Interlocked.Read(ref delivered), expected, Interlocked.Read(ref delivered) / (double)options.Room / window,
                latency.P50, latency.P99, latency.Max, serverCpu, clientCpu, (rssIdle - rssEmpty) / 1024.0 / options.Users);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"petit chat: sent {row.Sent}, delivered {row.Delivered} of {row.Expected}, {row.MessagesPerSecond:F0} messages/s, {latency}, " +
                $"CPU {row.ServerCpu:F2} cores (client {row.ClientCpu:F2}), {row.KilobytesPerConnection:F1} KB per idle connection (RSS {rssEmpty / 1024:N0} KB empty, {rssIdle / 1024:N0} KB idle)"));
            return row;
        }
        finally
        {
            await server.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// p50, p99 and max of the deliveries by when their message was sent, in up to six slices of
    /// the window: whether the tail grows with the history or comes in bursts.
    /// </summary>
    private static void PrintSlices(ReadOnlySpan<double> latencies, ReadOnlySpan<int> seqs, int rate, int seconds)
    {
        var slices = Math.Min(6, seconds);
        var perSlice = (int)Math.Ceiling(seconds / (double)slices);
        var bySlice = new List<double>[slices];
        for (var i = 0; i < slices; i++)
        {
            bySlice[i] = [];
        }

        for (var i = 0; i < latencies.Length; i++)
        {
            bySlice[Math.Min(slices - 1, seqs[i] / rate / perSlice)].Add(latencies[i]);
        }

        var text = string.Join("; ", bySlice.Select((samples, i) =>
        {
            var p = Percentiles.Of(samples);
            return string.Create(CultureInfo.InvariantCulture, $"{i * perSlice}-{Math.Min(seconds, (i + 1) * perSlice)} s p50 {p.P50:F1} p99 {p.P99:F1} max {p.Max:F0}");
        }));
        Console.WriteLine($"petit chat: by send time (ms): {text}");
    }

    private static async Task<List<(Guid ChatId, int[] Members)>> CreateGroupsAsync(HttpClient http, (string Token, Guid Id)[] users, int room, CancellationToken ct)
    {
        var groups = new List<(Guid ChatId, int[] Members)>();
        for (var first = 0; first + room <= users.Length; first += room)
        {
            var members = Enumerable.Range(first, room).ToArray();
            using var request = FanoutBenchmark.Authorized(HttpMethod.Post, "/api/v1/chats", users[first].Token);
            request.Content = JsonContent.Create(new { name = $"room {first / room}", memberIds = members.Skip(1).Select(m => users[m].Id) });
            using var response = await http.SendAsync(request, ct);
            response.EnsureSuccessStatusCode();
            groups.Add((JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid(), members));
        }

        return groups;
    }

    /// <summary>
    /// Pre-fills the measured groups with history through the store port on the server's own file
    /// (WAL lets both write), then waits for the search outbox the appends filled to drain, so the
    /// measured sends find a store and an index that already hold the history.
    /// </summary>
    private static async Task FillHistoryAsync(string path, List<(Guid ChatId, int[] Members)> groups, (string Token, Guid Id)[] users, int count, CancellationToken ct)
    {
        var ids = new Ids(TimeProvider.System);
        using var store = new SqliteChatStore(new SqliteStoreOptions { Path = path });
        var watch = Stopwatch.StartNew();
        var next = -1;
        // As many appends in flight as a group commit takes (Store:Sqlite:GroupCommitMaxBatch), so
        // each transaction carries a full batch: eight at a time wrote ~300 messages/s here.
        await Task.WhenAll(Enumerable.Range(0, 128).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var (chat, members) = groups[i % groups.Count];
                var id = ids.Next();
                await store.AppendSignalAsync(new Signal(id, chat, SignalKind.Message, users[members[i / groups.Count % members.Length]].Id,
                    $"history {i} with some text to make it a realistic size", $"history-{i}", Ids.TimestampOf(id), null, null, []), ct);
                if (i % 50_000 == 0 && i > 0)
                {
                    Console.WriteLine($"   history: {i:N0} of {count:N0} after {watch.Elapsed.TotalSeconds:F0} s");
                }
            }
        }, ct)));
        Console.WriteLine($"   history: {count:N0} messages in {watch.Elapsed.TotalSeconds:F0} s; waiting for the search index to catch up");
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly");
        await connection.OpenAsync(ct);
        using var pending = connection.CreateCommand();
        pending.CommandText = "SELECT count(*) FROM search_jobs";
        long left;
        while ((left = (long)(await pending.ExecuteScalarAsync(ct))!) > 0)
        {
            Console.WriteLine($"   search jobs left: {left:N0} after {watch.Elapsed.TotalSeconds:F0} s");
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
        }
    }

    /// <summary>The process's resident memory after a full, compacting collection it was asked for over EventPipe.</summary>
    private static async Task<long> RssAfterCollectionAsync(int processId, Process process, CancellationToken ct)
    {
        await InducedCollection.RunAsync(processId, ct);
        process.Refresh();
        return process.WorkingSet64;
    }

    /// <summary>A peer row: bench/peers/ejabberd.sh at the same users, room size and rate; its PEER line holds the figures.</summary>
    private static async Task<Row> RunPeerAsync(Options options, int rate, string peer, CancellationToken ct)
    {
        var script = PeerScript();
        var arguments = new List<string>
        {
            script, "--users", $"{options.Users}", "--room", $"{options.Room}", "--rate", $"{rate}", "--seconds", $"{options.Seconds}",
        };
        if (peer == "no-mam")
        {
            arguments.Add("--no-mam");
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        string? peerLine = null;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                Console.WriteLine($"   {e.Data}");
            }
        };
        process.BeginErrorReadLine();
        while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
        {
            Console.WriteLine($"   {line}");
            if (line.StartsWith("PEER ", StringComparison.Ordinal))
            {
                peerLine = line;
            }
        }

        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0 || peerLine is null)
        {
            throw new InvalidOperationException($"{script} failed (exit code {process.ExitCode}); its output is above.");
        }

        return ParsePeerLine(peerLine, rate);
    }

    /// <summary>Reads "PEER name=... sent=... delivered=..." as the script prints it.</summary>
    internal static Row ParsePeerLine(string line, int rate)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        double Number(string key) => double.Parse(fields[key], CultureInfo.InvariantCulture);
        return new Row(fields["name"], rate, (int)Number("sent"), (long)Number("delivered"), (long)Number("expected"), Number("msgps"),
            Number("p50"), Number("p99"), Number("max"), Number("cpu"), Number("clientcpu"), Number("kbperconn"));
    }

    private static string PeerScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "bench", "peers", "ejabberd.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("bench/peers/ejabberd.sh was not found above the bench's folder.");
    }
}
