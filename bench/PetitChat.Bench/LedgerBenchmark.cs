using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Caching.Memory;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.InProcess.Notifications;

namespace PetitChat.Bench;

/// <summary>
/// The embedded delivery ledger past its bound of a million keys, against the <c>MemoryCache</c> it
/// replaced (kept here as the "before" row): every recipient's job of every message writes one key
/// (docs/decisions/0014, 2026-12-03 (3)), so a busy embedded server reaches the bound within minutes.
/// Writes <c>--keys</c> job ids (each made afresh, as a worker's job makes it) in chunks, and prints
/// the mean and the slowest chunk per key, the managed heap the ledger keeps after a full
/// collection, and how many of the keys it still finds.
/// </summary>
public sealed class LedgerBenchmark : IBenchmark
{
    private const int Chunk = 50_000;

    public string Name => "ledger";

    public string Description => "embedded delivery ledger past its 1,000,000-key bound vs the MemoryCache before it [--keys 3000000]";

    public async Task RunAsync(string[] args, CancellationToken ct)
    {
        var at = Array.IndexOf(args, "--keys");
        var keys = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 3_000_000;
        Console.WriteLine($"ledger: {keys:N0} distinct job ids written one by one, in chunks of {Chunk:N0}; bound {InMemoryDeliveryLedger.DefaultMaxKeys:N0} keys");
        Console.WriteLine($"{"ledger",-34} {"µs/key",8} {"worst chunk µs/key",19} {"keys held",10} {"heap MB",8} {"bytes/key",10}");
        await RowAsync("MemoryCache (before 2026-12-03)", () => new CacheLedger(), keys, ct);
        await RowAsync("InMemoryDeliveryLedger", () => new InMemoryDeliveryLedger(), keys, ct);
    }

    /// <summary>The id of the job numbered <paramref name="n"/>, made afresh for each write as a worker's job makes it.</summary>
    private static string JobId(int n) =>
        NotificationJob.For(new Guid(n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), Guid.Empty, new Guid(n, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7), DateTimeOffset.UnixEpoch).Id;

    private static async Task RowAsync(string name, Func<IDeliveryLedger> make, int keys, CancellationToken ct)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var ledger = make();
        var worst = 0.0;
        var total = Stopwatch.StartNew();
        for (var start = 0; start < keys; start += Chunk)
        {
            var chunk = Stopwatch.StartNew();
            for (var i = start; i < Math.Min(keys, start + Chunk); i++)
            {
                await ledger.AddAsync(JobId(i), ct);
            }

            worst = Math.Max(worst, chunk.Elapsed.TotalMicroseconds / Chunk);
        }

        var mean = total.Elapsed.TotalMicroseconds / keys;
        // A compaction the cache started in the background has ended before the count.
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var heap = GC.GetTotalMemory(forceFullCollection: true) - before;
        var held = 0;
        for (var i = 0; i < keys; i++)
        {
            held += await ledger.ContainsAsync(JobId(i), ct) ? 1 : 0;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-34} {mean,8:F2} {worst,19:F2} {held,10:N0} {heap / 1e6,8:F1} {(held > 0 ? heap / held : 0),10:N0}"));
        GC.KeepAlive(ledger);
        (ledger as IDisposable)?.Dispose();
    }

    /// <summary>The ledger's keys as they were kept before 2026-12-03: one cache entry each, a day, at most a million.</summary>
    private sealed class CacheLedger : IDeliveryLedger, IDisposable
    {
        private readonly MemoryCache _keys = new(new MemoryCacheOptions { SizeLimit = 1_000_000 });

        public Task<bool> ContainsAsync(string key, CancellationToken ct) => Task.FromResult(_keys.TryGetValue(key, out _));

        public Task AddAsync(string key, CancellationToken ct)
        {
            _keys.Set(key, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = TimeSpan.FromDays(1) });
            return Task.CompletedTask;
        }

        public Task<Guid?> GetCoveredAsync(Guid userId, Guid chatId, CancellationToken ct) => throw new NotSupportedException();

        public Task<PushMark> ChangeMarkAsync(Guid userId, Guid chatId, Func<PushMark, PushMark> change, CancellationToken ct) =>
            throw new NotSupportedException();

        public void Dispose() => _keys.Dispose();
    }
}
