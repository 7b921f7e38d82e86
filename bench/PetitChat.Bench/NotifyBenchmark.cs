using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.Nats.Notifications;
using PetitChat.Infrastructure.Notifications;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Infrastructure.WebPush;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// Jobs per second that 1, 2 and 4 workers handle from the NATS queue: each job is checked in
/// and recorded to the shared ledger and pushed (RFC 8291 encryption, VAPID) to a local push
/// endpoint that answers 201 after a configurable service time.
/// </summary>
public sealed class NotifyBenchmark : IBenchmark
{
    public string Name => "notify";

    public string Description => "notification jobs/s by 1, 2, 4 workers against a local push endpoint [--jobs 2000 --users 200 --workers 1,2,4 --service-ms 5 --partitions 32]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var jobs = Option(args, "--jobs", 2000);
        var users = Option(args, "--users", 200);
        var serviceMs = Option(args, "--service-ms", 5);
        var partitions = Option(args, "--partitions", 32);
        var workerCounts = (Value(args, "--workers") ?? "1,2,4").Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();

        await using var nats = await NatsServer.StartAsync();
        await using var endpoint = await StartEndpointAsync(serviceMs);
        var folder = Directory.CreateTempSubdirectory("petitchat-bench-notify-").FullName;
        using var settings = new SqliteNotificationSettingsStore(new SqliteStoreOptions { Path = Path.Combine(folder, "settings.db") });
        using var outbound = new OutboundHttp(Options.Create(new OutboundHttpOptions { AllowLoopback = true }));
        using var channel = new WebPushChannel(settings, outbound, VapidKeys.Generate(), new WebPushOptions(), TimeProvider.System, NullLogger<WebPushChannel>.Instance);
        using var browser = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var q = browser.ExportParameters(false).Q;
        var (p256dh, auth) = (Base64Url.EncodeToString([0x04, .. q.X!, .. q.Y!]), Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16)));

        Console.WriteLine($"notify: {jobs} jobs for {users} users, {partitions} partitions, push endpoint service time {serviceMs} ms, nats-server on loopback");
        // A first, unprinted pass warms up the JIT, the connections and the push endpoint.
        await RunOnceAsync(nats.Url, endpoint.Url, channel, p256dh, auth, Math.Min(jobs, 300), users, partitions, 1, ct);
        Console.WriteLine($"{"workers",8} {"jobs/s",10} {"wall",10}  handling latency");
        foreach (var workers in workerCounts)
        {
            var (rate, wall, latency) = await RunOnceAsync(nats.Url, endpoint.Url, channel, p256dh, auth, jobs, users, partitions, workers, ct);
            Console.WriteLine($"{workers,8} {rate,10:F0} {wall.TotalSeconds,9:F2}s  {latency}");
        }

        Directory.Delete(folder, recursive: true);
    }

    private static async Task<(double Rate, TimeSpan Wall, Percentiles Latency)> RunOnceAsync(
        string natsUrl, string pushUrl, WebPushChannel channel, string p256dh, string auth, int jobCount, int userCount, int partitions, int workerCount, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var options = Options.Create(new NatsNotificationOptions
        {
            Url = natsUrl,
            StreamName = $"BENCH_{id}",
            SubjectPrefix = $"b{id}.notify",
            DeadLetterStreamName = $"BENCH_DEAD_{id}",
            DeadLetterSubjectPrefix = $"b{id}.dead",
            ConsumerPrefix = $"b{id}",
            LedgerBucket = $"bench_ledger_{id}",
            Partitions = partitions,
        });
        var connections = new List<NotificationNatsConnection>();
        var queues = new List<(NatsNotificationQueue Queue, NatsDeliveryLedger Ledger)>();
        for (var w = 0; w < workerCount; w++)
        {
            var connection = new NotificationNatsConnection(options, NullLoggerFactory.Instance);
            connections.Add(connection);
            var queue = new NatsNotificationQueue(connection, options, RetryPolicy.Default, TimeProvider.System, NullLogger<NatsNotificationQueue>.Instance);
            var ledger = new NatsDeliveryLedger(connection, options, NullLogger<NatsDeliveryLedger>.Instance);
            await ledger.EnsureAsync(ct);
            queues.Add((queue, ledger));
        }

        await queues[0].Queue.EnsureAsync(ct);
        var users = Enumerable.Range(0, userCount).Select(_ => Guid.CreateVersion7()).ToArray();
        var jobs = Enumerable.Range(0, jobCount).Select(n => NotificationJob.For(users[n % userCount], Guid.Empty, Guid.CreateVersion7(), DateTimeOffset.UnixEpoch)).ToList();
        foreach (var batch in jobs.Chunk(500))
        {
            await queues[0].Queue.EnqueueAsync(batch, ct);
        }

        var done = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var latencies = new double[jobCount];
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var consumers = queues.Select(w => Task.Run(() => w.Queue.ConsumeAsync(async (queued, token) =>
        {
            var started = Stopwatch.GetTimestamp();
            if (!await w.Ledger.ContainsAsync(queued.Job.Id, token))
            {
                var subscription = new PushSubscription(queued.Job.UserId, $"{pushUrl}/push/{queued.Job.UserId:N}", p256dh, auth, DateTimeOffset.UnixEpoch);
                var notification = new Notification(queued.Job.Id, queued.Job.UserId, Guid.Empty, "bench", queued.Job.SignalId, Guid.Empty, "Bench",
                    "a message of about the usual length, to be encrypted for the browser", 1, false, DateTimeOffset.UtcNow);
                var delivery = await channel.DeliverAsync(new ChannelTarget("b", subscription), notification, token);
                if (delivery.Status != DeliveryStatus.Delivered)
                {
                    return JobOutcome.Retry(delivery.Reason ?? "not delivered");
                }

                await w.Ledger.AddAsync(queued.Job.Id, token);
            }

            var n = Interlocked.Increment(ref done);
            latencies[n - 1] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (n == jobCount)
            {
                all.TrySetResult();
            }

            return JobOutcome.Done;
        }, stop.Token), CancellationToken.None)).ToList();

        await all.Task.WaitAsync(TimeSpan.FromMinutes(10), ct);
        var wall = clock.Elapsed;
        await stop.CancelAsync();
        await Task.WhenAll(consumers);
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        return (jobCount / wall.TotalSeconds, wall, Percentiles.Of(latencies));
    }

    private static async Task<PushService> StartEndpointAsync(int serviceMs)
    {
        var port = LoopbackPort.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/push/{id}", async (HttpRequest request) =>
        {
            await request.Body.CopyToAsync(Stream.Null);
            if (serviceMs > 0)
            {
                await Task.Delay(serviceMs);
            }

            return Results.StatusCode(201);
        });
        await app.StartAsync();
        return new PushService(app, $"http://127.0.0.1:{port}");
    }

    private static int Option(string[] args, string name, int fallback) =>
        Value(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static string? Value(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed class PushService(WebApplication app, string url) : IAsyncDisposable
    {
        public string Url { get; } = url;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
