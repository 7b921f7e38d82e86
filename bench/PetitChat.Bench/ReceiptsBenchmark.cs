using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace PetitChat.Bench;

/// <summary>
/// The events that receipts cause: a group of N members (default 100) all listening, one message
/// sent, then every other member marks it delivered, then read, as fast as they can. Counts the
/// <c>receipt</c> events that reach the members' streams until every stream knows every member's
/// latest pointer. Two rows from the same run: one event per receipt call
/// (<c>Receipts:CoalesceWindow=0</c>, the behaviour before coalescing) and the default window.
/// </summary>
public sealed class ReceiptsBenchmark : IBenchmark
{
    public string Name => "receipts";

    public string Description => "receipt events when a whole group reads one message: per move vs coalesced [--members 100] [--window-ms 1000]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var members = FanoutBenchmark.Option(args, "--members", 100);
        var window = TimeSpan.FromMilliseconds(FanoutBenchmark.Option(args, "--window-ms", 1000));
        Console.WriteLine($"receipts: a group of {members} members, all listening; one message, then {members - 1} members mark it delivered, then read");
        var rows = new List<(string Name, Phase Delivered, Phase Read)>();
        foreach (var (name, w) in new[] { ("one event per call (before)", TimeSpan.Zero), ($"coalesced, {window.TotalMilliseconds:F0} ms window", window) })
        {
            var (delivered, read) = await RunAsync(members, w, ct);
            rows.Add((name, delivered, read));
        }

        Console.WriteLine();
        Console.WriteLine($"{"receipts",-30} {"phase",-10} {"moves",6} {"events",8} {"per member",11} {"entries",8} {"all known after ms",19}");
        foreach (var (name, delivered, read) in rows)
        {
            foreach (var (phase, p) in new[] { ("delivered", delivered), ("read", read) })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-30} {phase,-10} {p.Moves,6} {p.Events,8} {(double)p.Events / members,11:F1} {p.Entries,8} {p.Elapsed.TotalMilliseconds,19:F0}"));
            }
        }
    }

    private sealed record Phase(int Moves, long Events, long Entries, TimeSpan Elapsed);

    private static async Task<(Phase Delivered, Phase Read)> RunAsync(int memberCount, TimeSpan window, CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("petitchat-bench-receipts-").FullName;
        var port = LoopbackPort();
        Environment.SetEnvironmentVariable("Receipts__CoalesceWindow", window.ToString("c", CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("Limits__MaxGroupMembers", Math.Max(memberCount, 100).ToString(CultureInfo.InvariantCulture));
        var server = await FanoutBenchmark.StartNodeAsync(FanoutBenchmark.ServerDll(), port, folder, new Uri($"http://127.0.0.1:{port}/"), natsUrl: null);
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromMinutes(2) };
            var users = new (string Token, Guid Id)[memberCount];
            await Parallel.ForEachAsync(Enumerable.Range(0, memberCount), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                async (i, token) => users[i] = await FanoutBenchmark.SignInAsync(http, $"receipts-{i}-{Guid.NewGuid():N}", token));
            Guid chat;
            using (var create = FanoutBenchmark.Authorized(HttpMethod.Post, "/api/v1/chats", users[0].Token))
            {
                create.Content = JsonContent.Create(new { name = "readers", memberIds = users.Skip(1).Select(u => u.Id) });
                using var created = await http.SendAsync(create, ct);
                created.EnsureSuccessStatusCode();
                chat = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid();
            }

            using var run = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var streams = users.Select(u => new ReceiptListener(u.Token)).ToArray();
            var opened = new CountdownEvent(memberCount);
            var reading = streams.Select(s => s.RunAsync(http, opened, run.Token)).ToArray();
            if (!opened.Wait(TimeSpan.FromSeconds(60), ct))
            {
                throw new TimeoutException("The streams did not all open within a minute.");
            }

            Guid signal;
            using (var send = FanoutBenchmark.Authorized(HttpMethod.Post, $"/api/v1/chats/{chat}/signals", users[0].Token))
            {
                send.Content = JsonContent.Create(new { kind = "message", text = "read me", clientId = "receipts-bench" });
                using var sent = await http.SendAsync(send, ct);
                sent.EnsureSuccessStatusCode();
                signal = JsonDocument.Parse(await sent.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("id").GetGuid();
            }

            var phases = new List<Phase>();
            foreach (var state in new[] { "delivered", "read" })
            {
                var (events, entries) = (streams.Sum(s => s.Events), streams.Sum(s => s.Entries));
                var started = Stopwatch.StartNew();
                await Parallel.ForEachAsync(Enumerable.Range(1, memberCount - 1), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, token) =>
                {
                    using var mark = FanoutBenchmark.Authorized(HttpMethod.Post, $"/api/v1/chats/{chat}/receipts", users[i].Token);
                    mark.Content = JsonContent.Create(new { signalId = signal, state });
                    using var marked = await http.SendAsync(mark, token);
                    marked.EnsureSuccessStatusCode();
                });
                // Done when every stream knows every reader's pointer in this state.
                var deadline = Stopwatch.StartNew();
                while (streams.Any(s => s.Known(state) < memberCount - 1) && deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(10, ct);
                }

                var elapsed = started.Elapsed;
                phases.Add(new Phase(memberCount - 1, streams.Sum(s => s.Events) - events, streams.Sum(s => s.Entries) - entries, elapsed));
            }

            await run.CancelAsync();
            await Task.WhenAll(reading.Select(r => r.ContinueWith(static _ => { }, TaskScheduler.Default)));
            return (phases[0], phases[1]);
        }
        finally
        {
            await server.DisposeAsync();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int LoopbackPort() => PetitChat.Testing.LoopbackPort.Free();

    /// <summary>One member's stream: counts <c>receipt</c> events and the members whose pointer it learnt.</summary>
    private sealed class ReceiptListener(string token)
    {
        private readonly HashSet<Guid> _delivered = [];
        private readonly HashSet<Guid> _read = [];
        private long _events;
        private long _entries;

        public long Events => Interlocked.Read(ref _events);

        public long Entries => Interlocked.Read(ref _entries);

        public int Known(string state)
        {
            lock (_read)
            {
                return (state == "read" ? _read : _delivered).Count;
            }
        }

        public async Task RunAsync(HttpClient http, CountdownEvent opened, CancellationToken ct)
        {
            try
            {
                using var request = FanoutBenchmark.Authorized(HttpMethod.Get, "/api/v1/events", token);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                response.EnsureSuccessStatusCode();
                using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct), Encoding.UTF8);
                string? type = null;
                while (await reader.ReadLineAsync(ct) is { } line)
                {
                    if (line.StartsWith(": connected", StringComparison.Ordinal))
                    {
                        opened.Signal();
                    }
                    else if (line.StartsWith("event: ", StringComparison.Ordinal))
                    {
                        type = line[7..];
                    }
                    else if (line.StartsWith("data: ", StringComparison.Ordinal) && type == "receipt")
                    {
                        Count(JsonDocument.Parse(line[6..]).RootElement);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The run is over.
            }
        }

        private void Count(JsonElement data)
        {
            Interlocked.Increment(ref _events);
            // A batch lists its moves; a single move (no list) is the event itself.
            var moves = data.TryGetProperty("receipts", out var list) ? list.EnumerateArray().ToArray() : [data];
            Interlocked.Add(ref _entries, moves.Length);
            lock (_read)
            {
                foreach (var move in moves)
                {
                    (move.GetProperty("state").GetString() == "read" ? _read : _delivered).Add(move.GetProperty("userId").GetGuid());
                }
            }
        }
    }
}
