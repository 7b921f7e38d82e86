using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Chats;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;
using PetitChat.Infrastructure.Scylla;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// What only the Scylla search outbox has: a job is a row plus a due entry, written one after the
/// other without a transaction. These tests leave the state a crash between two writes would
/// leave (by writing the items directly) and check that claims repair it and lose no job, and
/// that two stores claiming at once never share a job (the conditional claim), on dynalite.
/// </summary>
public sealed class ScyllaSearchJobsTests(DynaliteFixture dynalite) : IClassFixture<DynaliteFixture>, IAsyncLifetime
{
    private static CancellationToken Ct => CancellationToken.None;

    private readonly string _prefix = "j" + Guid.NewGuid().ToString("N")[..12] + "_";
    private ScyllaChatStore _store = null!;

    public async Task InitializeAsync()
    {
        _store = NewStore();
        await _store.InitializeAsync(Ct);
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_claim_cut_short_after_the_row_leaves_a_stale_entry_that_the_next_claim_repairs()
    {
        var message = await SendAsync("cut short");
        var now = DateTimeOffset.UtcNow;
        var lease = now.AddMinutes(1);
        // What a claim that crashed after its conditional update leaves: the row leased, the old entry.
        await UpdateRowAsync(message.Id, "SET #due = :d ADD attempts :one", new() { [":d"] = Ticks(lease), [":one"] = new AttributeValue { N = "1" } });

        Assert.Empty(await _store.ClaimSearchJobsAsync(10, now, now.AddMinutes(2), Ct));
        Assert.Equal([lease.UtcTicks], await DueTicksAsync(message.Id));

        var job = Assert.Single(await _store.ClaimSearchJobsAsync(10, lease, lease.AddMinutes(1), Ct));
        Assert.Equal((message.Id, 2), (job.SignalId, job.Attempts));
    }

    [Fact]
    public async Task A_completion_cut_short_after_the_row_leaves_an_entry_that_a_claim_deletes()
    {
        var message = await SendAsync("completed");
        await _store.Client.RunAsync((db, t) => db.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _prefix + "search_jobs",
            Key = new() { ["id"] = new AttributeValue { S = message.Id.ToString("D") } },
        }, t), idempotent: true, Ct);

        var now = DateTimeOffset.UtcNow;
        Assert.Empty(await _store.ClaimSearchJobsAsync(10, now, now.AddMinutes(1), Ct));
        Assert.Empty(await DueTicksAsync(message.Id));
    }

    [Fact]
    public async Task A_retry_cut_short_after_the_row_is_not_lost_and_runs_after_the_lease()
    {
        var message = await SendAsync("retry cut short");
        var now = DateTimeOffset.UtcNow;
        var job = Assert.Single(await _store.ClaimSearchJobsAsync(10, now, now.AddMinutes(10), Ct));
        var retryAt = now.AddSeconds(30);
        // The row moved to the retry time; the entry still at the lease end.
        await UpdateRowAsync(job.Id, "SET #due = :d", new() { [":d"] = Ticks(retryAt) });

        // The stale entry is found at the lease end and leads the claim to the row (due by then).
        var afterLease = now.AddMinutes(10);
        Assert.Empty(await _store.ClaimSearchJobsAsync(10, afterLease, afterLease.AddMinutes(1), Ct));
        var again = Assert.Single(await _store.ClaimSearchJobsAsync(10, afterLease, afterLease.AddMinutes(1), Ct));
        Assert.Equal((job.Id, 2), (again.Id, again.Attempts));
    }

    [Fact]
    public async Task A_new_job_whose_signal_is_not_written_yet_is_looked_at_again_a_second_later_until_the_grace_is_over()
    {
        // A send between its job and its signal: the job is there, the signal not yet.
        var now = DateTimeOffset.UtcNow;
        var chatId = Guid.CreateVersion7(now);
        var signalId = Guid.CreateVersion7(now);
        await WriteJobAsync(chatId, signalId, now);

        Assert.Empty(await _store.ClaimSearchJobsAsync(10, now, now.AddMinutes(1), Ct));
        Assert.Equal([now.Add(ScyllaChatStore.UnwrittenSignalRecheck).UtcTicks], await DueTicksAsync(signalId));

        // Due again a second later, not after the lease; still without its signal, held again.
        var second = now.Add(ScyllaChatStore.UnwrittenSignalRecheck);
        Assert.Empty(await _store.ClaimSearchJobsAsync(10, second, second.AddMinutes(1), Ct));

        // Once the grace is over it runs, signal or not (a send cut short: indexing then removes nothing).
        var later = now.Add(ScyllaChatStore.UnwrittenSignalGrace);
        var job = Assert.Single(await _store.ClaimSearchJobsAsync(10, later, later.AddMinutes(1), Ct));
        Assert.Equal((signalId, 3), (job.SignalId, job.Attempts));
    }

    [Fact]
    public async Task A_held_back_job_runs_at_the_next_look_once_its_signal_is_written()
    {
        var signal = await SendAsync("written late");
        // The job as a claim in the send's gap left it: held back, due again a moment later.
        var now = DateTimeOffset.UtcNow;
        await _store.RetrySearchJobsAsync([signal.Id], now, Ct);

        var job = Assert.Single(await _store.ClaimSearchJobsAsync(10, now, now.AddMinutes(1), Ct));
        Assert.Equal(signal.Id, job.SignalId);
    }

    [Fact]
    public async Task An_old_job_whose_signal_does_not_exist_runs_at_once()
    {
        var created = DateTimeOffset.UtcNow.AddMinutes(-5);
        var signalId = Guid.CreateVersion7(created);
        await WriteJobAsync(Guid.CreateVersion7(created), signalId, created);

        var now = DateTimeOffset.UtcNow;
        var job = Assert.Single(await _store.ClaimSearchJobsAsync(10, now, now.AddMinutes(1), Ct));
        Assert.Equal(signalId, job.SignalId);
    }

    [Fact]
    public async Task Two_stores_claiming_at_once_never_get_the_same_job()
    {
        var sent = new List<Guid>();
        for (var i = 0; i < 30; i++)
        {
            sent.Add((await SendAsync($"message {i}")).Id);
        }

        using var other = NewStore();
        var now = DateTimeOffset.UtcNow;
        var claims = await Task.WhenAll(
            _store.ClaimSearchJobsAsync(30, now, now.AddMinutes(1), Ct),
            other.ClaimSearchJobsAsync(30, now, now.AddMinutes(1), Ct));

        var all = claims.SelectMany(c => c).Select(j => j.SignalId).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(sent.Order(), all.Order());
    }

    private ScyllaChatStore NewStore() =>
        new(new ScyllaStoreOptions { Endpoints = [dynalite.Url], TablePrefix = _prefix }, TimeProvider.System);

    private async Task<Signal> SendAsync(string text)
    {
        var at = DateTimeOffset.UtcNow;
        var user = await _store.UpsertUserAsync(new UserClaims($"sub-{Guid.NewGuid():N}", "u" + Guid.NewGuid().ToString("N")[..10], "Someone", []),
            Guid.CreateVersion7(at), at, Ct);
        var (chat, _) = await _store.CreateChatAsync(new Chat(Guid.CreateVersion7(at), ChatKind.Group, "jobs", user.Id, at, at, null), [user.Id], Ct);
        var sentAt = DateTimeOffset.UtcNow;
        var (signal, _) = await _store.AppendSignalAsync(
            new Signal(Guid.CreateVersion7(sentAt), chat.Id, SignalKind.Message, user.Id, text, null, sentAt, null, null, []), Ct);
        return signal;
    }

    /// <summary>A job's row and due entry as a send writes them.</summary>
    private async Task WriteJobAsync(Guid chatId, Guid signalId, DateTimeOffset at)
    {
        await _store.Client.RunAsync((db, t) => db.PutItemAsync(new PutItemRequest
        {
            TableName = _prefix + "search_jobs",
            Item = new()
            {
                ["id"] = new AttributeValue { S = signalId.ToString("D") },
                ["chat"] = new AttributeValue { S = chatId.ToString("D") },
                ["signal"] = new AttributeValue { S = signalId.ToString("D") },
                ["attempts"] = new AttributeValue { N = "0" },
                ["due"] = Ticks(at),
                ["at"] = Ticks(at),
            },
        }, t), idempotent: true, Ct);
        await _store.Client.RunAsync((db, t) => db.PutItemAsync(new PutItemRequest
        {
            TableName = _prefix + "search_jobs_due",
            Item = new()
            {
                ["shard"] = new AttributeValue { S = Shard(signalId) },
                ["key"] = new AttributeValue { S = $"{at.UtcTicks:D19}#{signalId:D}" },
            },
        }, t), idempotent: true, Ct);
    }

    private async Task UpdateRowAsync(Guid jobId, string expression, Dictionary<string, AttributeValue> values) =>
        await _store.Client.RunAsync((db, t) => db.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _prefix + "search_jobs",
            Key = new() { ["id"] = new AttributeValue { S = jobId.ToString("D") } },
            UpdateExpression = expression,
            ExpressionAttributeNames = new() { ["#due"] = "due" },
            ExpressionAttributeValues = values,
        }, t), idempotent: true, Ct);

    /// <summary>The due times of a job's entries (its shard's partition, read whole: a test table).</summary>
    private async Task<List<long>> DueTicksAsync(Guid jobId)
    {
        var response = await _store.Client.RunAsync((db, t) => db.QueryAsync(new QueryRequest
        {
            TableName = _prefix + "search_jobs_due",
            KeyConditionExpression = "#s = :s",
            ExpressionAttributeNames = new() { ["#s"] = "shard" },
            ExpressionAttributeValues = new() { [":s"] = new AttributeValue { S = Shard(jobId) } },
            ConsistentRead = true,
        }, t), idempotent: true, Ct);
        return [.. response.Items
            .Select(item => item["key"].S.Split('#'))
            .Where(parts => parts[1] == jobId.ToString("D"))
            .Select(parts => long.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture))];
    }

    private static AttributeValue Ticks(DateTimeOffset at) =>
        new() { N = at.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    private static string Shard(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return "s" + (bytes[15] % ScyllaChatStore.SearchShards).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
