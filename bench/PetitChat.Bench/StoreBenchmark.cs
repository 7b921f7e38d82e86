using System.Diagnostics;
using System.Globalization;
using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Signals;
using PetitChat.Core.Storage;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Testing;

namespace PetitChat.Bench;

/// <summary>
/// The chat store under load, SQLite and the Scylla adapter (on dynalite) side by side: loads a
/// big chat and many small ones through the store port, then times timeline pages (newest and
/// deep) and the my-chats list.
/// </summary>
public sealed class StoreBenchmark : IBenchmark
{
    public string Name => "store";

    public string Description =>
        "store load and reads: --big 1000000 --spread 100000 --chats 1000 --samples 200 --page 50 --concurrency 16 --engines sqlite,scylla";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var options = Options.Parse(args);
        Console.WriteLine($"store benchmark: {options.Big:N0} signals in one chat, {options.Spread:N0} over {options.Chats:N0} chats, " +
            $"{options.Concurrency} concurrent writers, {options.Samples} samples per read, pages of {options.Page}");
        var results = new List<(string Engine, Result Result)>();
        foreach (var engine in options.Engines)
        {
            Console.WriteLine($"-- {engine}");
            results.Add((engine, engine switch
            {
                "sqlite" => await RunSqliteAsync(options, ct),
                "scylla" => await RunScyllaAsync(options, ct),
                _ => throw new ArgumentException($"Unknown engine '{engine}': use sqlite or scylla."),
            }));
        }

        Console.WriteLine();
        Console.WriteLine($"{"figure",-28} {string.Join(" ", results.Select(r => $"{r.Engine,-44}"))}");
        Print("insert, one chat", results.Select(r => r.Result.BigInsert));
        Print("insert, spread", results.Select(r => r.Result.SpreadInsert));
        Print("timeline, first page", results.Select(r => r.Result.FirstPage.ToString()));
        Print("timeline, deep page", results.Select(r => r.Result.DeepPage.ToString()));
        Print("my chats, first page", results.Select(r => r.Result.MyChats.ToString()));
        Print("my chats, second page", results.Select(r => r.Result.MyChatsNext.ToString()));

        static void Print(string figure, IEnumerable<string> values) =>
            Console.WriteLine($"{figure,-28} {string.Join(" ", values.Select(v => $"{v,-44}"))}");
    }

    private static async Task<Result> RunSqliteAsync(Options options, CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetTempPath(), "petitchat-bench", Guid.NewGuid().ToString("N"));
        try
        {
            using var store = new SqliteChatStore(new SqliteStoreOptions { Path = Path.Combine(folder, "store.db") });
            await store.InitializeAsync(ct);
            return await MeasureAsync(store, options, ct);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }

    private static async Task<Result> RunScyllaAsync(Options options, CancellationToken ct)
    {
        var (dynalite, url) = await Dynalite.StartAsync();
        await using (dynalite)
        {
            using var store = new ScyllaChatStore(new ScyllaStoreOptions { Endpoints = [url], TablePrefix = "bench_" }, TimeProvider.System);
            await store.InitializeAsync(ct);
            return await MeasureAsync(store, options, ct);
        }
    }

    private static async Task<Result> MeasureAsync(IChatStore store, Options options, CancellationToken ct)
    {
        var ids = new Ids(TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        var me = await store.UpsertUserAsync(new UserClaims("bench-me", "me", "Me", []), ids.Next(), now, ct);
        var other = await store.UpsertUserAsync(new UserClaims("bench-other", "other", "Other", []), ids.Next(), now, ct);

        var big = (await store.CreateChatAsync(new Chat(ids.Next(), ChatKind.Group, "big", me.Id, now, now, null), [me.Id, other.Id], ct)).Chat;
        var bigIds = new Guid[options.Big];
        var bigInsert = await LoadAsync(options.Big, options.Concurrency, async i =>
        {
            var signal = NewSignal(ids, big.Id, i % 2 == 0 ? me.Id : other.Id, i);
            bigIds[i] = signal.Id;
            await store.AppendSignalAsync(signal, ct);
        }, ct);
        Console.WriteLine($"   one chat: {bigInsert}");

        var chats = new Guid[options.Chats];
        for (var i = 0; i < chats.Length; i++)
        {
            var at = DateTimeOffset.UtcNow;
            chats[i] = (await store.CreateChatAsync(new Chat(ids.Next(), ChatKind.Group, $"chat {i}", me.Id, at, at, null), [me.Id, other.Id], ct)).Chat.Id;
        }

        var spreadInsert = await LoadAsync(options.Spread, options.Concurrency, i =>
            store.AppendSignalAsync(NewSignal(ids, chats[i % chats.Length], i % 3 == 0 ? me.Id : other.Id, i), ct), ct);
        Console.WriteLine($"   spread: {spreadInsert}");

        var random = new Random(42);
        var firstPage = await SampleAsync(options.Samples, () => store.GetSignalsAsync(big.Id, new TimelineQuery(null, null, options.Page), ct));
        // Deep: somewhere in the oldest tenth of the big chat.
        var deepPage = await SampleAsync(options.Samples, () =>
            store.GetSignalsAsync(big.Id, new TimelineQuery(bigIds[random.Next(Math.Max(1, bigIds.Length / 10))], null, options.Page), ct));
        var myChats = await SampleAsync(options.Samples, () => store.ListChatsAsync(me.Id, options.Page, null, ct));
        var cursor = (await store.ListChatsAsync(me.Id, options.Page, null, ct)).NextCursor;
        var myChatsNext = await SampleAsync(options.Samples, () => store.ListChatsAsync(me.Id, options.Page, cursor, ct));
        return new Result(bigInsert, spreadInsert, firstPage, deepPage, myChats, myChatsNext);
    }

    private static Signal NewSignal(Ids ids, Guid chatId, Guid senderId, int i)
    {
        var id = ids.Next();
        return new Signal(id, chatId, SignalKind.Message, senderId, $"message {i} with some text to make it a realistic size",
            $"bench-{i}", Ids.TimestampOf(id), null, null, []);
    }

    private static async Task<string> LoadAsync(int count, int concurrency, Func<int, Task> insert, CancellationToken ct)
    {
        var next = -1;
        // CPU per signal (this process: the client loop and the store) holds better than the rate on a loaded machine.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var lastReport = watch.Elapsed;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                ct.ThrowIfCancellationRequested();
                await insert(i);
                if (i % 10_000 == 0 && i > 0)
                {
                    Console.WriteLine($"   {i:N0} of {count:N0} after {watch.Elapsed.TotalSeconds:F0} s");
                }
            }
        }, ct)));
        var seconds = watch.Elapsed.TotalSeconds;
        var cpuMicros = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / Math.Max(count, 1);
        return $"{count / Math.Max(seconds, 1e-9):N0} signals/s, {cpuMicros:F0} µs CPU/signal ({count:N0} in {seconds:F1} s)";
    }

    private static async Task<Percentiles> SampleAsync<T>(int samples, Func<Task<T>> read)
    {
        await read(); // warm-up
        var times = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await read();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return Percentiles.Of(times);
    }

    private sealed record Result(string BigInsert, string SpreadInsert, Percentiles FirstPage, Percentiles DeepPage, Percentiles MyChats, Percentiles MyChatsNext);

    private sealed record Options(int Big, int Spread, int Chats, int Samples, int Page, int Concurrency, IReadOnlyList<string> Engines)
    {
        public static Options Parse(string[] args)
        {
            var options = new Options(1_000_000, 100_000, 1_000, 200, 50, 16, ["sqlite", "scylla"]);
            for (var i = 0; i + 1 < args.Length; i += 2)
            {
                var value = args[i + 1];
                options = args[i] switch
                {
                    "--big" => options with { Big = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--spread" => options with { Spread = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--chats" => options with { Chats = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--samples" => options with { Samples = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--page" => options with { Page = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--concurrency" => options with { Concurrency = int.Parse(value, CultureInfo.InvariantCulture) },
                    "--engines" => options with { Engines = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                    _ => throw new ArgumentException($"Unknown option {args[i]}."),
                };
            }

            return options;
        }
    }
}
