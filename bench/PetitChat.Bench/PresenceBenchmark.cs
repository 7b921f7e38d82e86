using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using PetitChat.Core.Chats;
using PetitChat.Core.Events;
using PetitChat.Core.Presence;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Nats;
using PetitChat.Infrastructure.Nats.Notifications;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// Presence under churn over two nodes on one nats-server: users' streams open and close at a
/// steady rate, each on a random node (the real <see cref="PresenceService"/>, NATS KV presence
/// and NATS event bus per node, one SQLite store). Observers, each a chat partner of churned
/// users, hold live subscriptions on the other node. Prints presence events/s, the time from a
/// connect to the partner seeing <c>online</c>, and the bus messages per presence change.
/// </summary>
public sealed class PresenceBenchmark : IBenchmark
{
    public string Name => "presence";

    public string Description => "presence churn over 2 nodes: events/s, connect->online p99, bus messages per change [--users 5000 --partners 4 --churn 100 --seconds 20 --observers 100]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var users = Option(args, "--users", 5000);
        var partners = Option(args, "--partners", 4);
        var churn = Option(args, "--churn", 100);
        var seconds = Option(args, "--seconds", 20);
        var observerCount = Math.Min(Option(args, "--observers", 100), users / 2);

        await using var nats = await NatsServer.StartAsync();
        var folder = Directory.CreateTempSubdirectory("petitchat-bench-presence-").FullName;
        var sqlite = new SqliteStoreOptions { Path = Path.Combine(folder, "store.db") };
        using var chats = new SqliteChatStore(sqlite);
        await chats.InitializeAsync(ct);
        using var statuses = new SqlitePresenceStore(sqlite);
        await statuses.InitializeAsync(ct);

        var setup = Stopwatch.StartNew();
        var ids = new Guid[users];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < users; i++)
        {
            var name = $"u{i}";
            ids[i] = (await chats.UpsertUserAsync(new UserClaims($"bench-{name}", name, name, ["user"]), Guid.CreateVersion7(), now, ct)).Id;
        }

        // A ring: each user shares a direct chat with the next partners/2 users, so everyone has `partners` partners.
        for (var i = 0; i < users; i++)
        {
            for (var k = 1; k <= partners / 2; k++)
            {
                var other = ids[(i + k) % users];
                await chats.CreateChatAsync(new Chat(Guid.CreateVersion7(), ChatKind.Direct, null, ids[i], now, now, null), [ids[i], other], ct);
            }
        }

        Console.WriteLine($"presence: {users} users, {partners} partners each, churn {churn}/s for {seconds} s over 2 nodes, {observerCount} observers; setup {setup.Elapsed.TotalSeconds:F1} s");

        var run = Guid.NewGuid().ToString("N")[..8];
        var busOptions = Options.Create(new NatsBusOptions { Url = nats.Url, StreamName = $"BENCH_EVENTS_{run}", SubjectPrefix = $"b{run}" });
        var presenceOptions = Options.Create(new NatsNotificationOptions { Url = nats.Url, PresenceBucket = $"bench_presence_{run}", NodeBucket = $"bench_nodes_{run}", ActivityBucket = $"bench_activity_{run}" });
        var options = new PresenceOptions { OfflineGrace = TimeSpan.FromSeconds(1), PartnerCacheFor = TimeSpan.FromMinutes(5) };
        var nodes = new List<(PresenceService Presence, CountingBus Bus, NatsEventBus Inner, NatsConnection Connection, NotificationNatsConnection KvConnection, NatsPresence Kv)>();
        for (var n = 0; n < 2; n++)
        {
            var connection = new NatsConnection(new NatsOpts { Url = nats.Url });
            var inner = new NatsEventBus(connection, busOptions, TimeProvider.System, NullLogger<NatsEventBus>.Instance);
            await inner.EnsureStreamAsync(ct);
            var bus = new CountingBus(inner);
            var kvConnection = new NotificationNatsConnection(presenceOptions, NullLoggerFactory.Instance);
            var kv = new NatsPresence(kvConnection, presenceOptions, NullLogger<NatsPresence>.Instance);
            await kv.EnsureAsync(ct);
            nodes.Add((new PresenceService(kv, statuses, chats, new RosterCache(chats, new NoOtherNodes(), TimeProvider.System, RosterCacheOptions.Default), bus, options, TimeProvider.System), bus, inner, connection, kvConnection, kv));
        }

        // Observers (even users) listen on node 2; the users churned are all the others, so every
        // churned user has at least one observing partner (its ring neighbour).
        var connectedAt = new ConcurrentDictionary<Guid, long>();
        var latencies = new ConcurrentBag<double>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var observed = new List<Task>();
        for (var o = 0; o < observerCount; o++)
        {
            var observer = ids[o * 2];
            var stream = await nodes[1].Inner.SubscribeAsync(observer, null, stop.Token);
            observed.Add(ObserveAsync(stream, connectedAt, latencies, stop.Token));
        }

        var churned = Enumerable.Range(0, users).Where(i => i % 2 == 1 || i / 2 >= observerCount).Select(i => ids[i]).ToArray();
        var leases = new ConcurrentDictionary<Guid, IAsyncDisposable>();
        var random = new Random(42);
        var changes = 0;
        var wall = Stopwatch.StartNew();
        var period = TimeSpan.FromSeconds(1.0 / churn);
        var pending = new List<Task>();
        for (var tick = 0L; wall.Elapsed < TimeSpan.FromSeconds(seconds); tick++)
        {
            var due = period * tick;
            if (due > wall.Elapsed)
            {
                await Task.Delay(due - wall.Elapsed, ct);
            }

            var user = churned[random.Next(churned.Length)];
            var node = nodes[random.Next(2)].Presence;
            changes++;
            if (leases.TryRemove(user, out var lease))
            {
                pending.Add(lease.DisposeAsync().AsTask());
            }
            else
            {
                connectedAt[user] = Stopwatch.GetTimestamp();
                pending.Add(Task.Run(async () => leases[user] = await node.ConnectAsync(user, ct), ct));
            }
        }

        await Task.WhenAll(pending);
        var elapsed = wall.Elapsed;
        // Let the last announcements (coalescing window, offline grace) arrive.
        await Task.Delay(options.Coalesce + options.OfflineGrace + TimeSpan.FromSeconds(1), ct);
        await stop.CancelAsync();
        await Task.WhenAll(observed.Select(t => t.ContinueWith(static _ => { }, TaskScheduler.Default)));

        var events = nodes.Sum(n => n.Bus.Events);
        var messages = nodes.Sum(n => n.Bus.Messages);
        Console.WriteLine($"stream opens/closes: {changes} ({changes / elapsed.TotalSeconds:F0}/s)");
        Console.WriteLine($"presence events published: {events} ({events / elapsed.TotalSeconds:F0}/s), bus messages (one per recipient): {messages}");
        Console.WriteLine($"bus messages per presence change: {(events == 0 ? 0 : (double)messages / events):F2} (partners per user: {partners}, plus the user's own streams; all users: {users})");
        Console.WriteLine($"connect -> online seen by a partner on the other node: {Percentiles.Of([.. latencies])}");

        foreach (var (_, _, inner, connection, kvConnection, kv) in nodes)
        {
            inner.Dispose();
            kv.Dispose();
            await connection.DisposeAsync();
            await kvConnection.DisposeAsync();
        }

        Directory.Delete(folder, recursive: true);
    }

    private static async Task ObserveAsync(IAsyncEnumerable<DeliveredEvent> stream, ConcurrentDictionary<Guid, long> connectedAt, ConcurrentBag<double> latencies, CancellationToken ct)
    {
        try
        {
            await foreach (var delivered in stream.WithCancellation(ct))
            {
                if (delivered.Event is PresenceChanged { Presence: { State: PresenceState.Online } view }
                    && connectedAt.TryRemove(view.UserId, out var at))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(at).TotalMilliseconds);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The bus, counting ephemeral publishes (presence events) and their recipients (one NATS message each).</summary>
    private sealed class CountingBus(IEventBus inner) : IEventBus
    {
        private long _events;
        private long _messages;

        public long Events => Interlocked.Read(ref _events);

        public long Messages => Interlocked.Read(ref _messages);

        public Task PublishAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct) => inner.PublishAsync(liveEvent, recipients, ct);

        public Task PublishEphemeralAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
        {
            Interlocked.Increment(ref _events);
            Interlocked.Add(ref _messages, recipients.Count);
            return inner.PublishEphemeralAsync(liveEvent, recipients, ct);
        }

        public Task<IAsyncEnumerable<DeliveredEvent>> SubscribeAsync(Guid userId, string? lastEventId, CancellationToken ct) => inner.SubscribeAsync(userId, lastEventId, ct);
    }
}
