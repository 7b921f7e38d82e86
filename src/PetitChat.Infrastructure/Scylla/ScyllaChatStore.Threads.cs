using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Signals;
using PetitChat.Core.Threads;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Thread replies: signal items like any other (in their chat's bucket, marked <c>thread</c>, so
/// a reply is found by its id and kept out of the main timeline), an entry per reply in
/// <c>thread_replies</c> (partition = root) that pages a thread, and the summary on the root.
/// No transactions: the summary is recomputed from the entries after each reply and only moves
/// forward, so concurrent replies and a retry after a crash all end at the true count.
/// </summary>
public sealed partial class ScyllaChatStore
{
    public async Task<IReadOnlyList<Signal>> GetThreadAsync(Guid chatId, Guid rootId, TimelineQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        if (query.Before is not null && query.After is not null)
        {
            throw new ArgumentException("A thread query takes Before or After, not both.", nameof(query));
        }

        var bound = query.Before ?? query.After;
        var request = new QueryRequest
        {
            TableName = _tables.ThreadReplies,
            KeyConditionExpression = bound is null ? "#r = :r" : query.Before is not null ? "#r = :r AND id < :bound" : "#r = :r AND id > :bound",
            FilterExpression = "chat = :c",
            ExpressionAttributeNames = new() { ["#r"] = "root" },
            ExpressionAttributeValues = new() { [":r"] = S(rootId), [":c"] = S(chatId) },
            ScanIndexForward = query.Before is null,
            Limit = query.Limit,
        };
        if (bound is { } value)
        {
            request.ExpressionAttributeValues[":bound"] = S(value);
        }

        var entries = await QueryAsync(request, query.Limit, ct);
        var replies = (await BatchGetAsync(_tables.Signals, entries.Select(e => SignalKey(chatId, GuidOf(e, "id"))), ct))
            .Select(ReadSignal)
            .Where(s => s.ChatId == chatId && s.ThreadId == rootId)
            .OrderBy(s => s.Id)
            .ToList();
        return replies;
    }

    /// <summary>
    /// After the reply's item: its entry, then the root's count and newest time recomputed from
    /// the entries (set only when larger, so the reader that saw the most wins), then the sender
    /// among the participants while there is room. Every step is repeatable.
    /// </summary>
    private async Task CompleteThreadReplyAsync(Signal reply, CancellationToken ct)
    {
        var rootId = reply.ThreadId!.Value;
        await BatchWriteAsync(_tables.ThreadReplies, [PutRequest(new()
        {
            ["root"] = S(rootId),
            ["id"] = S(reply.Id),
            ["chat"] = S(reply.ChatId),
            ["at"] = N(reply.CreatedAt),
        })], ct);

        var (count, newest) = await CountThreadAsync(rootId, ct);
        await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Signals,
            Key = SignalKey(reply.ChatId, rootId),
            UpdateExpression = "SET tCount = :n, tLast = :last",
            ConditionExpression = "attribute_exists(id) AND (attribute_not_exists(tCount) OR tCount < :n)",
            ExpressionAttributeValues = new() { [":n"] = N(count), [":last"] = N(newest) },
        }, idempotent: true, ct);

        await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Signals,
            Key = SignalKey(reply.ChatId, rootId),
            UpdateExpression = "ADD tPeople :me",
            ConditionExpression = "attribute_exists(id) AND #s <> :meS AND (attribute_not_exists(tPeople) OR size(tPeople) < :room OR contains(tPeople, :meS))",
            ExpressionAttributeNames = new() { ["#s"] = "sender" },
            ExpressionAttributeValues = new()
            {
                [":me"] = new AttributeValue { SS = [reply.SenderId.ToString("D")] },
                [":meS"] = S(reply.SenderId),
                [":room"] = N(ThreadSummary.MaxParticipants - 1),
            },
        }, idempotent: true, ct);
    }

    /// <summary>How many entries the thread has and the newest one's time, read after this reply's own entry.</summary>
    private async Task<(long Count, DateTimeOffset Newest)> CountThreadAsync(Guid rootId, CancellationToken ct)
    {
        var request = new QueryRequest
        {
            TableName = _tables.ThreadReplies,
            KeyConditionExpression = "#r = :r",
            ExpressionAttributeNames = new() { ["#r"] = "root" },
            ExpressionAttributeValues = new() { [":r"] = S(rootId) },
            Select = Select.COUNT,
            ConsistentRead = true,
        };
        long count = 0;
        while (true)
        {
            var response = await ReadAsync((db, token) => db.QueryAsync(request, token), ct);
            count += response.Count ?? 0;
            if (response.LastEvaluatedKey is not { Count: > 0 } next)
            {
                break;
            }

            request.ExclusiveStartKey = next;
        }

        var newest = await QueryAsync(new QueryRequest
        {
            TableName = _tables.ThreadReplies,
            KeyConditionExpression = "#r = :r",
            ExpressionAttributeNames = new() { ["#r"] = "root" },
            ExpressionAttributeValues = new() { [":r"] = S(rootId) },
            ScanIndexForward = false,
            Limit = 1,
        }, 1, ct);
        return (count, newest.Count == 0 ? DateTimeOffset.MinValue : TimeOf(newest[0], "at"));
    }

    /// <summary>The summary on a root item; null before its first reply.</summary>
    private static ThreadSummary? ReadThreadSummary(Dictionary<string, AttributeValue> item)
    {
        if (LongOf(item, "tCount") is not { } count || count == 0)
        {
            return null;
        }

        // A set has no order: the repliers are listed by id after the root's sender.
        var repliers = item.TryGetValue("tPeople", out var people) && people.SS is { } set
            ? set.Select(id => Guid.ParseExact(id, "D")).Order()
            : Enumerable.Empty<Guid>();
        return new ThreadSummary((int)count, TimeOf(item, "tLast"), ThreadSummary.Participants(GuidOf(item, "sender"), repliers));
    }
}
