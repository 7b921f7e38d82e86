using System.Globalization;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// The outbox of search jobs without transactions or scans (docs/scylla.md, "Search jobs"). A job
/// is a row in <c>search_jobs</c> by id, the truth about it (due time, attempts), plus an entry in
/// <c>search_jobs_due</c> under one of <see cref="SearchShards"/> partitions, sorted by due time,
/// so that a claim queries each shard's due range. Writers change the row first and the entry
/// after; an entry that disagrees with its row is stale, and a claim that meets one puts the
/// row's entry back before deleting it, so a crash or a race between the two writes never leaves
/// a job that no claim can find.
/// </summary>
public sealed partial class ScyllaChatStore
{
    /// <summary>Partitions of the due entries. Fixed: changing it would hide stored jobs.</summary>
    internal const int SearchShards = 16;

    /// <summary>Claims sent at once: each one is a lightweight transaction on Scylla.</summary>
    private const int ClaimsInFlight = 32;

    /// <summary>
    /// How long a claim holds back a new job whose signal is not in the store: the send that
    /// wrote the job writes its signal right after, so the index must not see it as missing.
    /// After that the job runs (the send was cut short, or the signal is gone) and removes it.
    /// </summary>
    internal static readonly TimeSpan UnwrittenSignalGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How soon a held-back job is looked at again: its send writes the signal right after the
    /// job, so the next look usually finds it. Held for a whole lease instead, a message claimed
    /// in that gap was not searchable for a minute.
    /// </summary>
    internal static readonly TimeSpan UnwrittenSignalRecheck = TimeSpan.FromSeconds(1);

    public async Task<IReadOnlyList<SearchJob>> ClaimSearchJobsAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var claimed = new List<SearchJob>();
        // Entries already looked at by this call (lost to another claimer, stale, held back): a
        // later round asks for that many more and skips them.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Another claimer or stale entries can take candidates away: a few rounds fill the batch.
        for (var round = 0; round < 3 && claimed.Count < limit; round++)
        {
            var want = limit - claimed.Count;
            var skip = seen.Count;
            var due = await DueEntriesAsync(now, want + skip, ct);
            var candidates = due.Where(e => !seen.Contains(e.Key)).Take(want).ToList();
            seen.UnionWith(candidates.Select(c => c.Key));
            var results = new List<Dictionary<string, AttributeValue>?>(candidates.Count);
            foreach (var chunk in candidates.Chunk(ClaimsInFlight))
            {
                results.AddRange(await Task.WhenAll(chunk.Select(c => TryClaimAsync(c, leaseUntil, ct))));
            }

            var won = candidates.Zip(results).Where(r => r.Second is not null).Select(r => (Entry: r.First, Row: r.Second!)).ToList();

            // The new entries before the old ones go: a crash in between leaves a stale entry,
            // which the next claim deletes, never a job without an entry.
            await BatchWriteAsync(_tables.SearchJobsDue, won.Select(w => PutRequest(DueKey(w.Entry.Id, leaseUntil.UtcTicks))), ct);
            await BatchWriteAsync(_tables.SearchJobsDue, won.Select(w => DeleteRequest(DueKey(w.Entry.Id, w.Entry.Due))), ct);

            var held = await UnwrittenSignalsAsync(won.Select(w => w.Row), now, ct);
            var jobs = won.Select(w => ReadSearchJob(w.Row)).ToList();
            claimed.AddRange(jobs.Where(j => !held.Contains(j.SignalId)));
            await RetrySearchJobsAsync([.. jobs.Where(j => held.Contains(j.SignalId)).Select(j => j.Id)], now + UnwrittenSignalRecheck, ct);
            if (due.Count < want + skip)
            {
                // Nothing more is due.
                break;
            }
        }

        return claimed;
    }

    public async Task CompleteSearchJobsAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken ct)
    {
        if (jobIds.Count == 0)
        {
            return;
        }

        // The row first (it returns its due time), then its entry; a crash in between leaves an
        // entry without a row, which a claim deletes.
        var deleted = await Task.WhenAll(jobIds.Distinct().Select(id => TryDeleteAsync(new DeleteItemRequest
        {
            TableName = _tables.SearchJobs,
            Key = SearchJobKey(id),
        }, idempotent: true, ct)));
        await BatchWriteAsync(_tables.SearchJobsDue, deleted
            .Where(row => row is { Count: > 0 })
            .Select(row => DeleteRequest(DueKey(GuidOf(row!, "id"), LongOf(row!, "due") ?? 0))), ct);
    }

    public async Task RetrySearchJobsAsync(IReadOnlyCollection<Guid> jobIds, DateTimeOffset dueAt, CancellationToken ct)
    {
        if (jobIds.Count == 0)
        {
            return;
        }

        var rows = await BatchGetAsync(_tables.SearchJobs, jobIds.Distinct().Select(SearchJobKey), ct);
        var ticks = dueAt.UtcTicks;
        // Row, new entry, old entry: at every point the row's entry exists or a stale one leads
        // a claim to it. Plain writes: only the holder of the lease retries its jobs.
        await BatchWriteAsync(_tables.SearchJobs, rows.Select(row => PutRequest(new(row) { ["due"] = N(ticks) })), ct);
        await BatchWriteAsync(_tables.SearchJobsDue, rows.Select(row => PutRequest(DueKey(GuidOf(row, "id"), ticks))), ct);
        await BatchWriteAsync(_tables.SearchJobsDue, rows
            .Where(row => LongOf(row, "due") != ticks)
            .Select(row => DeleteRequest(DueKey(GuidOf(row, "id"), LongOf(row, "due") ?? 0))), ct);
    }

    /// <summary>
    /// The search job of a signal about to be written: its row, then its entry, both before the
    /// signal. The job's id is the signal's, so repeating a cut-short send writes the same job.
    /// </summary>
    private async Task AddSearchJobAsync(Signal signal, CancellationToken ct, Guid? jobId = null, DateTimeOffset? dueAt = null)
    {
        var id = jobId ?? signal.Id;
        var due = (dueAt ?? signal.CreatedAt).UtcTicks;
        await BatchWriteAsync(_tables.SearchJobs, [PutRequest(new()
        {
            ["id"] = S(id),
            ["chat"] = S(signal.ChatId),
            ["signal"] = S(signal.Id),
            ["attempts"] = N(0),
            ["due"] = N(due),
            ["at"] = N(signal.CreatedAt),
        })], ct);
        await BatchWriteAsync(_tables.SearchJobsDue, [PutRequest(DueKey(id, due))], ct);
    }

    /// <summary>The earliest due entries of all shards (at most <paramref name="count"/>), by due time then id.</summary>
    private async Task<List<DueEntryKey>> DueEntriesAsync(DateTimeOffset now, int count, CancellationToken ct)
    {
        // '~' sorts after every character of an id: every entry due at or before now.
        var upTo = Ticks(now.UtcTicks) + "#~";
        var shards = await Task.WhenAll(Enumerable.Range(0, SearchShards).Select(shard => QueryAsync(new QueryRequest
        {
            TableName = _tables.SearchJobsDue,
            KeyConditionExpression = "#s = :s AND #k <= :upTo",
            ExpressionAttributeNames = new() { ["#s"] = "shard", ["#k"] = "key" },
            ExpressionAttributeValues = new() { [":s"] = S(ShardName(shard)), [":upTo"] = S(upTo) },
            ScanIndexForward = true,
            Limit = count,
        }, count, ct)));
        return [.. shards.SelectMany(items => items)
            .Select(item => ParseDueEntry(RequiredString(item, "key")))
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Take(count)];
    }

    /// <summary>
    /// Claims one job: its row moves from the entry's due time to the lease end, one more
    /// attempt, only if it is still due at that time (the one conditional write: two claimers
    /// never both win). Null when it was not ours; a stale entry is then repaired.
    /// </summary>
    private async Task<Dictionary<string, AttributeValue>?> TryClaimAsync(DueEntryKey entry, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        var updated = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.SearchJobs,
            Key = SearchJobKey(entry.Id),
            UpdateExpression = "SET #due = :lease ADD attempts :one",
            ConditionExpression = "#due = :due",
            ExpressionAttributeNames = new() { ["#due"] = "due" },
            ExpressionAttributeValues = new() { [":lease"] = N(leaseUntil.UtcTicks), [":one"] = N(1), [":due"] = N(entry.Due) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_NEW,
        }, idempotent: true, ct);
        if (updated is not null)
        {
            return updated.Attributes;
        }

        // Another claimer got there first, or the entry is stale: the job is complete (no row),
        // or its row moved (a crash or a race between a row write and its entry). Put the row's
        // entry back before deleting this one, so the job stays findable whatever ran meanwhile.
        var row = await GetItemAsync(_tables.SearchJobs, SearchJobKey(entry.Id), ct);
        if (row is not null && LongOf(row, "due") is { } rowDue)
        {
            if (rowDue == entry.Due)
            {
                return null;
            }

            await BatchWriteAsync(_tables.SearchJobsDue, [PutRequest(DueKey(entry.Id, rowDue))], ct);
        }

        await BatchWriteAsync(_tables.SearchJobsDue, [DeleteRequest(DueKey(entry.Id, entry.Due))], ct);
        return null;
    }

    /// <summary>
    /// Signals of jobs younger than <see cref="UnwrittenSignalGrace"/> that are not in the store:
    /// their send is still between the job and the signal. Those jobs are not handed out; they
    /// come back after <see cref="UnwrittenSignalRecheck"/>, until the signal is there or the
    /// grace is over (the send was cut short: the job then runs and removes nothing).
    /// </summary>
    private async Task<HashSet<Guid>> UnwrittenSignalsAsync(IEnumerable<Dictionary<string, AttributeValue>> rows, DateTimeOffset now, CancellationToken ct)
    {
        var young = rows
            .Where(row => now - TimeOf(row, "at") < UnwrittenSignalGrace)
            .Select(row => (Chat: GuidOf(row, "chat"), Signal: GuidOf(row, "signal")))
            // A signal sent and edited (or deleted) within a batch has several jobs; the engine
            // refuses a BatchGetItem that names a key twice, and the claim's won jobs then waited
            // out their whole lease unindexed.
            .Distinct()
            .ToList();
        if (young.Count == 0)
        {
            return [];
        }

        var found = (await BatchGetAsync(_tables.Signals, young.Select(y => SignalKey(y.Chat, y.Signal)), ct))
            .Select(item => GuidOf(item, "id"))
            .ToHashSet();
        return [.. young.Select(y => y.Signal).Where(id => !found.Contains(id))];
    }

    private static SearchJob ReadSearchJob(Dictionary<string, AttributeValue> row) =>
        new(GuidOf(row, "id"), GuidOf(row, "chat"), GuidOf(row, "signal"), (int)(LongOf(row, "attempts") ?? 0));

    private static Dictionary<string, AttributeValue> SearchJobKey(Guid id) => new() { ["id"] = S(id) };

    private static Dictionary<string, AttributeValue> DueKey(Guid id, long dueTicks) =>
        new() { ["shard"] = S(ShardName(ShardOf(id))), ["key"] = S($"{Ticks(dueTicks)}#{id:D}") };

    private static DueEntryKey ParseDueEntry(string key)
    {
        var hash = key.IndexOf('#', StringComparison.Ordinal);
        return new DueEntryKey(key,
            long.Parse(key.AsSpan(0, hash), NumberStyles.None, CultureInfo.InvariantCulture),
            Guid.ParseExact(key.AsSpan(hash + 1), "D"));
    }

    /// <summary>The shard of a job: the last byte of its id, random in a UUIDv7.</summary>
    private static int ShardOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes[15] % SearchShards;
    }

    private static string ShardName(int shard) => "s" + shard.ToString(CultureInfo.InvariantCulture);

    /// <summary>19 digits: text order is time order.</summary>
    private static string Ticks(long ticks) => ticks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>A due entry: its sort key, and the due time and job id it holds.</summary>
    private sealed record DueEntryKey(string Key, long Due, Guid Id);
}
