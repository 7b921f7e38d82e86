using System.Buffers.Text;
using System.Text;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Paging;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// The reindex walk (<see cref="ISearchReindexStore"/>) on Alternator: a paged <c>Scan</c> of the
/// <c>signals</c> table (the one scan of this store: a reindex reads everything by definition),
/// the cursor the scan's last key; jobs written as on send (row, then due entry), then the run's
/// item in <c>search_reindex</c>, conditioned on the run's id so that a replaced run never writes.
/// </summary>
public sealed partial class ScyllaChatStore : ISearchReindexStore
{
    private const string ReindexSlot = "current";

    public async Task<SearchReindex?> GetSearchReindexAsync(CancellationToken ct) =>
        await GetItemAsync(_tables.SearchReindex, new() { ["slot"] = S(ReindexSlot) }, ct) is { } item ? ReadReindex(item) : null;

    public async Task<SearchReindex> StartSearchReindexAsync(SearchReindex fresh, CancellationToken ct)
    {
        while (true)
        {
            // A lightweight transaction: of two concurrent starts, one writes and the other reads its run.
            var written = await TryPutAsync(new PutItemRequest
            {
                TableName = _tables.SearchReindex,
                Item = ReindexItem(fresh),
                ConditionExpression = "attribute_not_exists(slot) OR attribute_exists(finishedAt)",
            }, idempotent: false, ct);
            if (written)
            {
                return fresh;
            }

            if (await GetSearchReindexAsync(ct) is { Running: true } running)
            {
                return running;
            }

            // It finished between the put and the read: try again.
        }
    }

    public async Task<SearchReindex> ContinueSearchReindexAsync(SearchReindex run, int limit, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (await GetSearchReindexAsync(ct) is not { Running: true } current || current.Id != run.Id)
        {
            return run;
        }

        var response = await ReadAsync((db, token) => db.ScanAsync(new ScanRequest
        {
            TableName = _tables.Signals,
            Limit = limit,
            ConsistentRead = true,
            ExclusiveStartKey = current.Cursor is { } cursor ? DecodeScanCursor(cursor) : null,
        }, token), ct);
        var signals = (response.Items ?? []).Select(ReadSignal).Where(SearchDocument.Indexes).ToList();
        var due = now.UtcTicks;
        // Rows first, then due entries, as on send: never an entry without its row.
        await BatchWriteAsync(_tables.SearchJobs, signals.Select(signal => PutRequest(new()
        {
            ["id"] = S(signal.Id),
            ["chat"] = S(signal.ChatId),
            ["signal"] = S(signal.Id),
            ["attempts"] = N(0),
            ["due"] = N(due),
            ["at"] = N(signal.CreatedAt),
        })), ct);
        await BatchWriteAsync(_tables.SearchJobsDue, signals.Select(signal => PutRequest(DueKey(signal.Id, due))), ct);

        var last = response.LastEvaluatedKey is { Count: > 0 } key ? key : null;
        var next = current with
        {
            Cursor = last is null ? current.Cursor : EncodeScanCursor(last),
            Scanned = current.Scanned + (response.Items?.Count ?? 0),
            Enqueued = current.Enqueued + signals.Count,
            FinishedAt = last is null ? now : null,
        };
        await TryPutAsync(new PutItemRequest
        {
            TableName = _tables.SearchReindex,
            Item = ReindexItem(next),
            ConditionExpression = "runId = :id",
            ExpressionAttributeValues = new() { [":id"] = S(run.Id) },
        }, idempotent: true, ct);
        return next;
    }

    private static Dictionary<string, AttributeValue> ReindexItem(SearchReindex run)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["slot"] = S(ReindexSlot),
            ["runId"] = S(run.Id),
            ["startedAt"] = N(run.StartedAt),
            ["scanned"] = N(run.Scanned),
            ["enqueued"] = N(run.Enqueued),
        };
        if (run.Cursor is { } cursor)
        {
            item["cursor"] = S(cursor);
        }

        if (run.FinishedAt is { } finished)
        {
            item["finishedAt"] = N(finished);
        }

        return item;
    }

    private static SearchReindex ReadReindex(Dictionary<string, AttributeValue> item) => new(
        GuidOf(item, "runId"),
        TimeOf(item, "startedAt"),
        StringOf(item, "cursor"),
        LongOf(item, "scanned") ?? 0,
        LongOf(item, "enqueued") ?? 0,
        NullableTimeOf(item, "finishedAt"));

    /// <summary>The scan's last key (<c>part</c> and <c>id</c>, both strings) as one opaque string.</summary>
    private static string EncodeScanCursor(Dictionary<string, AttributeValue> key) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(RequiredString(key, "part") + "\n" + RequiredString(key, "id")));

    private static Dictionary<string, AttributeValue> DecodeScanCursor(string cursor)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split('\n');
            if (parts.Length == 2)
            {
                return new() { ["part"] = S(parts[0]), ["id"] = S(parts[1]) };
            }
        }
        catch (FormatException)
        {
            // Falls through to the same answer as a cursor of the wrong shape.
        }

        throw new InvalidCursorException("The reindex cursor is not one this store issued.");
    }
}
