using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// Apps end to end against one server process (embedded defaults): messages posted over HTTP at a
/// fixed rate into N group chats, first without apps, then with one app's bot in every chat
/// subscribed to <c>signal.created</c> and a listener on 127.0.0.1 as its url. Prints the send
/// p99 of both runs, the app deliveries/s and the p99 from the send to the app's receipt.
/// </summary>
public sealed class AppsBenchmark : IBenchmark
{
    private const string Admin = "bench-admin";
    private static readonly string[] Events = ["signal.created"];

    public string Name => "apps";

    public string Description =>
        "send p99 with and without an app's bot in every chat, deliveries/s, send→app p99 [--chats 100 --rate 500 --seconds 10 --server PATH/PetitChat.Server.dll]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var chats = FanoutBenchmark.Option(args, "--chats", 100);
        var rate = FanoutBenchmark.Option(args, "--rate", 500);
        var seconds = FanoutBenchmark.Option(args, "--seconds", 10);
        var count = rate * seconds;
        // Another build of the server (say main's, copied aside) to compare with this one on the same machine.
        var serverDll = Array.IndexOf(args, "--server") is var at and >= 0 && at + 1 < args.Length ? Path.GetFullPath(args[at + 1]) : FanoutBenchmark.ServerDll();

        var received = new ConcurrentDictionary<int, long>();
        await using var listener = await StartListenerAsync(received);
        var folder = Directory.CreateTempSubdirectory("petitchat-bench-apps-").FullName;
        var port = LoopbackPort.Free();
        Environment.SetEnvironmentVariable("Apps__AllowHttp", "true");
        Environment.SetEnvironmentVariable("Notifications__Outbound__AllowLoopback", "true");
        Environment.SetEnvironmentVariable("Identity__Embedded__Admins__0", Admin);
        await using (var server = await FanoutBenchmark.StartNodeAsync(serverDll, port, folder, new Uri($"http://127.0.0.1:{port}/"), null))
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var (alice, _) = await FanoutBenchmark.SignInAsync(http, "alice", ct);
            var (_, bobId) = await FanoutBenchmark.SignInAsync(http, "bob", ct);
            var (admin, _) = await FanoutBenchmark.SignInAsync(http, Admin, ct);
            var chatIds = new List<Guid>(chats);
            for (var i = 0; i < chats; i++)
            {
                chatIds.Add((await PostAsync(http, alice, "/api/v1/chats", new { name = $"bench {i}", memberIds = new[] { bobId } }, ct)).GetProperty("id").GetGuid());
            }

            Console.WriteLine($"apps: {chats} chats, {rate} messages/s for {seconds} s ({count} messages), one server process ({serverDll}), listener on loopback");
            // Warm-up, unprinted: JIT, connection pools, SQLite pages.
            await SendAsync(http, alice, chatIds, rate, Math.Min(count, rate * 2), 1_000_000, null, ct);
            var without = await SendAsync(http, alice, chatIds, rate, count, 0, null, ct);

            var app = await PostAsync(http, admin, "/api/v1/apps", new { name = "Bench", url = listener.Url, events = Events }, ct);
            var botId = app.GetProperty("bot").GetProperty("id").GetGuid();
            foreach (var chatId in chatIds)
            {
                await PostAsync(http, alice, $"/api/v1/chats/{chatId}/members", new { userId = botId }, ct);
            }

            var sentAt = new long[count];
            var clock = Stopwatch.StartNew();
            var with = await SendAsync(http, alice, chatIds, rate, count, 2_000_000, sentAt, ct);
            var deadline = Stopwatch.StartNew();
            while (received.Count(r => r.Key >= 2_000_000) < count && deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(50, ct);
            }

            var mine = received.Where(r => r.Key >= 2_000_000).ToList();
            var wall = clock.Elapsed;
            var toApp = mine.Select(r => Stopwatch.GetElapsedTime(sentAt[r.Key - 2_000_000], r.Value).TotalMilliseconds).ToList();
            Console.WriteLine($"send without apps: {without}");
            Console.WriteLine($"send with apps:    {with}");
            Console.WriteLine($"deliveries: {mine.Count}/{count} in {wall.TotalSeconds:F1} s = {mine.Count / wall.TotalSeconds:F0}/s");
            Console.WriteLine($"send → app receipt: {Percentiles.Of(toApp)}");
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>Sends <paramref name="count"/> messages at <paramref name="rate"/>, numbered from <paramref name="first"/>; the send latencies.</summary>
    private static async Task<Percentiles> SendAsync(
        HttpClient http, string token, List<Guid> chatIds, int rate, int count, int first, long[]? sentAt, CancellationToken ct)
    {
        var latencies = new ConcurrentBag<double>();
        await FanoutBenchmark.SendAtRateAsync(rate, count, first, async (seq, token2) =>
        {
            var started = Stopwatch.GetTimestamp();
            if (sentAt is not null)
            {
                sentAt[seq - first] = started;
            }

            using var request = FanoutBenchmark.Authorized(HttpMethod.Post, $"/api/v1/chats/{chatIds[seq % chatIds.Count]}/signals", token);
            request.Content = JsonContent.Create(new { text = $"bench #{seq}#", clientId = $"b{seq}" });
            using var response = await http.SendAsync(request, token2);
            response.EnsureSuccessStatusCode();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }, ct);
        return Percentiles.Of(latencies);
    }

    private static async Task<JsonElement> PostAsync(HttpClient http, string token, string url, object body, CancellationToken ct)
    {
        using var request = FanoutBenchmark.Authorized(HttpMethod.Post, url, token);
        request.Content = JsonContent.Create(body);
        using var response = await http.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
    }

    private static async Task<Listener> StartListenerAsync(ConcurrentDictionary<int, long> received)
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/events", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            if (FanoutBenchmark.ParseSequence(await reader.ReadToEndAsync()) is { } seq)
            {
                received.TryAdd(seq, Stopwatch.GetTimestamp());
            }

            return Results.Ok();
        });
        await app.StartAsync();
        return new Listener(app, $"http://127.0.0.1:{port}/events");
    }

    private sealed class Listener(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
