using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.E2ee;
using PetitChat.Core.Events;
using PetitChat.Core.Files;
using PetitChat.Core.Notifications;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;
using PetitChat.Core.Telemetry;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Images;
using PetitChat.Infrastructure.InProcess;
using PetitChat.Infrastructure.InProcess.Notifications;
using PetitChat.Infrastructure.LocalDisk;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Infrastructure.Telemetry;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// Store requests per page: "my chats" (pages of 10 and 100 chats) and a timeline page of 50
/// signals, read through the real services (ChatService, SignalService) on SQLite and on the
/// Scylla adapter (on dynalite). Requests are counted on the store's meter
/// (<see cref="StoreMetrics"/>): SQLite statements, Alternator calls; a round is a set of
/// requests in flight together (for SQLite, every statement is a round). Beside each page, the
/// reads the services made before page reads were batched (one set per chat, one per quote).
/// </summary>
public sealed class PagesBenchmark : IBenchmark
{
    public string Name => "pages";

    public string Description => "store requests per page, SQLite and Scylla (dynalite): [--members 10] [--samples 5] [--engines sqlite,scylla]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var members = FanoutBenchmark.Option(args, "--members", 10);
        var samples = FanoutBenchmark.Option(args, "--samples", 5);
        var at = Array.IndexOf(args, "--engines");
        var engines = at >= 0 && at + 1 < args.Length ? args[at + 1].Split(',') : ["sqlite", "scylla"];
        Console.WriteLine($"pages: chats of {members} members, each with unread messages that mention the reader; a timeline of 50 with quotes and reactions");
        var rows = new List<(string Engine, string Page, Count Before, Count After)>();
        using var counter = new RequestCounter();
        var folder = Directory.CreateTempSubdirectory("petitchat-bench-pages-").FullName;
        try
        {
            foreach (var engine in engines)
            {
                Console.WriteLine($"-- {engine}");
                switch (engine)
                {
                    case "sqlite":
                        using (var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(folder, "store.db") }))
                        {
                            await store.InitializeAsync(ct);
                            rows.AddRange(await MeasureAsync("sqlite", store, folder, members, samples, counter, ct));
                        }

                        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                        break;
                    case "scylla":
                        var (dynalite, url) = await Dynalite.StartAsync();
                        await using (dynalite)
                        {
                            using var store = new ScyllaChatStore(new ScyllaStoreOptions { Endpoints = [url], TablePrefix = "pages_" }, TimeProvider.System);
                            await store.InitializeAsync(ct);
                            rows.AddRange(await MeasureAsync("scylla", store, folder, members, samples, counter, ct));
                        }

                        break;
                    default:
                        throw new ArgumentException($"Unknown engine '{engine}': use sqlite or scylla.");
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        Console.WriteLine();
        Console.WriteLine($"{"engine",-8} {"page",-22} {"per chat: requests",19} {"rounds",7} {"ms",8}   {"batched: requests",18} {"rounds",7} {"ms",8}");
        foreach (var (engine, page, before, after) in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{engine,-8} {page,-22} {before.Requests,19} {before.Rounds,7} {before.Ms,8:F1}   {after.Requests,18} {after.Rounds,7} {after.Ms,8:F1}"));
        }
    }

    private readonly record struct Count(long Requests, long Rounds, double Ms);

    private static async Task<List<(string, string, Count, Count)>> MeasureAsync(
        string engine, IChatStore store, string folder, int memberCount, int samples, RequestCounter counter, CancellationToken ct)
    {
        var time = TimeProvider.System;
        var ids = new Ids(time);
        var limits = ChatLimits.Default;
        var fanout = new ChatFanout(store, new InProcessEventBus(Options.Create(new InProcessBusOptions()), time));
        var rosters = new RosterCache(store, new NoOtherNodes(), time, RosterCacheOptions.Default);
        var chats = new ChatService(store, store, store, fanout, ids, time, limits, rosters);
        var files = new FileService(store, store, new LocalBlobStore(new LocalBlobOptions { Path = Path.Combine(folder, engine + "-blobs") }),
            new VipsImagePipeline(limits, new ImageOptions(), NullLogger<VipsImagePipeline>.Instance), ids, time, limits);
        using var search = new SearchWakeup();
        var queue = new InProcessNotificationQueue(RetryPolicy.Default, time, NullLogger<InProcessNotificationQueue>.Instance);
        var signals = new SignalService(store, rosters, store, store, files, fanout, new NotificationPlanner(store, queue, new NotificationOptions()),
            ids, time, limits, search, E2eeLimits.Default);

        var me = await NewUserAsync(store, ids, "me", ct);
        var others = new List<User>();
        for (var i = 0; i < Math.Max(memberCount - 1, 1) * 3; i++)
        {
            others.Add(await NewUserAsync(store, ids, $"other{i}", ct));
        }

        var rows = new List<(string, string, Count, Count)>();
        var mine = new List<Chat>();
        foreach (var chatCount in new[] { 10, 100 })
        {
            while (mine.Count < chatCount)
            {
                var now = time.GetUtcNow();
                var chatMembers = new List<Guid> { me.Id };
                chatMembers.AddRange(Enumerable.Range(0, memberCount - 1).Select(m => others[(mine.Count + m) % others.Count].Id));
                var chat = (await store.CreateChatAsync(new Chat(ids.Next(), ChatKind.Group, $"chat {mine.Count}", me.Id, now, now, null), chatMembers, ct)).Chat;
                var sender = others[mine.Count % others.Count];
                await store.AppendSignalAsync(Message(ids, chat.Id, sender.Id, time) with { Mentions = [me.Id] }, ct);
                await store.AppendSignalAsync(Message(ids, chat.Id, sender.Id, time), ct);
                mine.Add(chat);
            }

            var after = await CountAsync(counter, samples, async () => (await chats.ListAsync(me.Id, chatCount, null, ct)).Value!.Items.Count);
            var before = await CountAsync(counter, samples, () => ListChatsPerChatAsync(store, me.Id, chatCount, ct));
            Console.WriteLine($"   my chats, {chatCount}: {after.Requests} requests");
            rows.Add((engine, $"my chats, {chatCount} chats", before, after));
        }

        // A timeline of 50: messages from the members, some quoting older messages that are not on
        // the page, some with reactions.
        var busy = mine[0];
        var old = new List<Signal>();
        for (var i = 0; i < 10; i++)
        {
            old.Add((await store.AppendSignalAsync(Message(ids, busy.Id, others[i % (memberCount - 1)].Id, time), ct)).Signal);
        }

        for (var i = 0; i < 50; i++)
        {
            var signal = Message(ids, busy.Id, i % 2 == 0 ? me.Id : others[i % (memberCount - 1)].Id, time);
            var stored = (await store.AppendSignalAsync(i % 5 == 0 ? signal with { ReplyToId = old[i / 5].Id } : signal, ct)).Signal;
            if (i % 3 == 0)
            {
                await store.AddReactionAsync(new Core.Reactions.Reaction(stored.Id, others[0].Id, "👍", time.GetUtcNow()), busy.Id, ct);
            }
        }

        var page = await CountAsync(counter, samples, async () => (await signals.PageAsync(me.Id, busy.Id, null, null, null, 50, ct)).Value!.Items.Count);
        var perQuote = await CountAsync(counter, samples, () => TimelinePerQuoteAsync(store, me.Id, busy.Id, ct));
        Console.WriteLine($"   timeline, 50: {page.Requests} requests");
        rows.Add((engine, "timeline, 50 signals", perQuote, page));
        return rows;
    }

    /// <summary>What ChatService.ListAsync read before it batched: members and users per chat, then the unread scan per chat.</summary>
    private static async Task<int> ListChatsPerChatAsync(IChatStore store, Guid me, int limit, CancellationToken ct)
    {
        var page = await store.ListChatsAsync(me, limit, null, ct);
        foreach (var summary in page.Items)
        {
            var members = await store.GetMembersAsync(summary.Chat.Id, ct);
            await store.GetUsersAsync([.. members.Select(m => m.UserId)], ct);
            if (summary.UnreadCount > 0)
            {
                var member = await store.GetMemberAsync(summary.Chat.Id, me, ct);
                await store.GetSignalsAsync(summary.Chat.Id, new TimelineQuery(null, member?.Read?.SignalId, 100), ct);
            }
        }

        return page.Items.Count;
    }

    /// <summary>What SignalService.PageAsync read before it batched quotes: one read per quoted original not on the page.</summary>
    private static async Task<int> TimelinePerQuoteAsync(IChatStore store, Guid me, Guid chatId, CancellationToken ct)
    {
        await store.GetMemberAsync(chatId, me, ct);
        var items = await store.GetSignalsAsync(chatId, new TimelineQuery(null, null, 51), ct);
        var onPage = items.Take(50).Select(s => s.Id).ToHashSet();
        foreach (var quoted in items.Take(50).Where(s => s.ReplyToId is { } id && !onPage.Contains(id)).Select(s => s.ReplyToId!.Value).Distinct())
        {
            await store.GetSignalAsync(chatId, quoted, ct);
        }

        await store.GetUserReactionsAsync(chatId, me, onPage, ct);
        return items.Count;
    }

    /// <summary>Requests and rounds of one call (the first, warm-up excluded), and its median time over the samples.</summary>
    private static async Task<Count> CountAsync(RequestCounter counter, int samples, Func<Task<int>> call)
    {
        await call();
        var (requests, rounds) = counter.Snapshot();
        await call();
        var (requestsAfter, roundsAfter) = counter.Snapshot();
        var times = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        times.Sort();
        return new Count(requestsAfter - requests, roundsAfter - rounds, times[times.Count / 2]);
    }

    private static Task<User> NewUserAsync(IChatStore store, Ids ids, string name, CancellationToken ct) =>
        store.UpsertUserAsync(new UserClaims($"pages-{name}-{Guid.NewGuid():N}", $"{name}{Guid.NewGuid():N}"[..20], name, []), ids.Next(), DateTimeOffset.UtcNow, ct);

    private static Signal Message(Ids ids, Guid chatId, Guid senderId, TimeProvider time) =>
        new(ids.Next(), chatId, SignalKind.Message, senderId, "hello", null, time.GetUtcNow(), null, null, []);

    /// <summary>
    /// Counts store requests from <see cref="StoreMetrics"/>: each request, and each round (a
    /// request that starts while none is in flight; SQLite statements have no overlap to count).
    /// </summary>
    private sealed class RequestCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _requests;
        private long _rounds;
        private long _active;

        public RequestCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ChatMetrics.MeterName && instrument.Name is StoreMetrics.RequestsName or StoreMetrics.ActiveName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                var sqlite = tags.Length > 0 && Equals(tags[0].Value, "sqlite");
                if (instrument.Name == StoreMetrics.RequestsName)
                {
                    Interlocked.Add(ref _requests, value);
                    if (sqlite)
                    {
                        Interlocked.Add(ref _rounds, value);
                    }
                }
                else if (Interlocked.Add(ref _active, value) == 1 && value == 1)
                {
                    Interlocked.Increment(ref _rounds);
                }
            });
            _listener.Start();
        }

        public (long Requests, long Rounds) Snapshot() => (Interlocked.Read(ref _requests), Interlocked.Read(ref _rounds));

        public void Dispose() => _listener.Dispose();
    }
}
