using System.Collections.Concurrent;
using System.Globalization;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Reactions;
using PetitChat.Core.Receipts;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaChatStore
{
    private const string CountPrefix = "c:";
    private const string FirstUsePrefix = "f:";

    private readonly ConcurrentDictionary<(Guid Chat, long Bucket), byte> _knownBuckets = new();

    public async Task<AppendResult> AppendSignalAsync(Signal signal, CancellationToken ct)
    {
        // Only a repeat of our own cut-short attempt can find the signal already written.
        var mayExist = false;
        if (signal.ClientId is { } clientId)
        {
            // 1. The (chat, sender, client id) claim, a conditional put holding the whole signal:
            //    the first send wins, and whoever finds the claim can finish that signal's writes.
            var key = new Dictionary<string, AttributeValue> { ["key"] = S($"{signal.ChatId:D}#{signal.SenderId:D}#{clientId}") };
            var claimed = await TryPutAsync(new PutItemRequest
            {
                TableName = _tables.ClientIds,
                Item = new(SignalFields(signal)) { ["key"] = key["key"] },
                ConditionExpression = "attribute_not_exists(#k)",
                ExpressionAttributeNames = new() { ["#k"] = "key" },
            }, idempotent: true, ct);
            if (!claimed)
            {
                var claim = await GetItemAsync(_tables.ClientIds, key, ct) ?? throw new InvalidOperationException("A client id's claim vanished.");
                var first = ReadSignal(claim);
                // The same id means our own earlier attempt (a retried request): still ours to finish.
                if (first.Id != signal.Id)
                {
                    // A repeat: finish the first send's writes in case it was cut short (all are
                    // repeatable), then answer with the stored signal. When this call is the one
                    // that wrote the signal, the first attempt never got it out: it is created now.
                    var wrote = await CompleteAppendAsync(first, null, ct, mayExist: true);
                    return new AppendResult(await GetSignalAsync(first.ChatId, first.Id, ct) ?? first, wrote);
                }

                mayExist = true;
            }
        }

        // Whoever's conditional put writes the signal reports it created, so exactly one caller
        // does, also when a repeat finished this send while it was on its way.
        return await CompleteAppendAsync(signal, null, ct, mayExist)
            ? new AppendResult(signal with { Reactions = [] }, true)
            : new AppendResult(await GetSignalAsync(signal.ChatId, signal.Id, ct) ?? signal, false);
    }

    public async Task<Signal?> GetSignalAsync(Guid chatId, Guid signalId, CancellationToken ct) =>
        await GetItemAsync(_tables.Signals, SignalKey(chatId, signalId), ct) is { } item ? ReadSignal(item) : null;

    public async Task<IReadOnlyList<Signal>> GetSignalsAsync(Guid chatId, TimelineQuery query, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        if (query.Before is not null && query.After is not null)
        {
            throw new ArgumentException("A timeline query takes Before or After, not both.", nameof(query));
        }

        var forward = query.After is not null;
        var bound = query.Before ?? query.After;
        var signals = new List<Signal>();
        await foreach (var bucket in TimelineBucketsAsync(chatId, bound is { } b ? BucketOf(b) : null, forward, ct))
        {
            var request = new QueryRequest
            {
                TableName = _tables.Signals,
                KeyConditionExpression = bound is null ? "part = :p" : forward ? "part = :p AND id > :bound" : "part = :p AND id < :bound",
                ExpressionAttributeValues = new() { [":p"] = S(PartOf(chatId, bucket)) },
                // Thread replies share the partition (so a signal is found by its id alone) but
                // not the main timeline; the query pages on until it has Limit of the others.
                FilterExpression = "attribute_not_exists(#th)",
                ExpressionAttributeNames = new() { ["#th"] = "thread" },
                ScanIndexForward = forward,
                Limit = query.Limit - signals.Count,
            };
            if (bound is { } value)
            {
                request.ExpressionAttributeValues[":bound"] = S(value);
            }

            signals.AddRange((await QueryAsync(request, query.Limit - signals.Count, ct)).Select(ReadSignal));
            if (signals.Count >= query.Limit)
            {
                break;
            }
        }

        if (forward)
        {
            signals.Reverse();
        }

        return signals;
    }

    /// <summary>
    /// The rest of an append, in the order docs/scylla.md gives: bucket, signal, inbox entries,
    /// the chat's last activity, the sender's pointers. Every step is repeatable, so finishing a
    /// send that was cut short is running this again. <paramref name="seq"/> is taken when null.
    /// True when this call wrote the signal item.
    /// </summary>
    private async Task<bool> CompleteAppendAsync(Signal signal, long? seq, CancellationToken ct, bool mayExist = false)
    {
        var bucket = BucketOf(signal.Id);
        if (_knownBuckets.TryAdd((signal.ChatId, bucket), 0))
        {
            if (_knownBuckets.Count > 100_000)
            {
                _knownBuckets.Clear();
            }

            // Listed before the signal exists, so a timeline walk never misses a bucket.
            await BatchWriteAsync(_tables.TimelineBuckets, [PutRequest(new() { ["chat"] = S(signal.ChatId), ["bucket"] = N(bucket) })], ct);
        }

        var stored = mayExist ? await GetItemAsync(_tables.Signals, SignalKey(signal.ChatId, signal.Id), ct) : null;
        var wrote = false;
        if (stored is null)
        {
            // The search job before the signal: never a signal without its job. A job whose
            // signal is not written (yet, or ever) is valid; claims hold young ones back a while.
            if (SearchDocument.Indexes(signal))
            {
                await AddSearchJobAsync(signal, ct);
            }

            if (signal.ThreadId is not null)
            {
                // A thread reply takes no sequence number: it is not in the main timeline's unread count.
                var put = await TryPutAsync(new PutItemRequest
                {
                    TableName = _tables.Signals,
                    Item = new(SignalFields(signal)) { ["part"] = S(PartOf(signal.ChatId, bucket)) },
                    ConditionExpression = "attribute_not_exists(id)",
                }, idempotent: true, ct);
                await CompleteThreadReplyAsync(signal, ct);
                return put;
            }

            seq ??= await NextSeqAsync(signal.ChatId, ct);
            wrote = await TryPutAsync(new PutItemRequest
            {
                TableName = _tables.Signals,
                Item = new(SignalFields(signal)) { ["part"] = S(PartOf(signal.ChatId, bucket)), ["seq"] = N(seq.Value) },
                ConditionExpression = "attribute_not_exists(id)",
            }, idempotent: true, ct);
        }
        else if (signal.ThreadId is not null)
        {
            // Written before: finish the root's summary, which is repeatable.
            await CompleteThreadReplyAsync(signal, ct);
            return false;
        }

        long number;
        if (wrote)
        {
            number = seq!.Value;
        }
        else
        {
            // Written before: by a repeat finishing this send (its number is the one), or by our
            // own put whose answer was lost and whose retry then found it (our number: ours).
            var existing = stored ?? await GetItemAsync(_tables.Signals, SignalKey(signal.ChatId, signal.Id), ct);
            var storedSeq = existing is null ? null : LongOf(existing, "seq");
            wrote = stored is null && seq is { } mine && storedSeq == mine;
            number = storedSeq ?? seq ?? 0;
        }

        // Inbox entries at the new activity go in before the chat row moves: until then the old
        // entries stay the valid ones, so a crash in between leaves the chat where it was.
        var members = await GetMembersAsync(signal.ChatId, ct);
        await BatchWriteAsync(_tables.Inbox, members.Select(m => PutRequest(InboxItem(m.UserId, signal.CreatedAt, signal.ChatId))), ct);
        var moved = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Chats,
            Key = ChatKey(signal.ChatId),
            UpdateExpression = "SET lastActivityAt = :at, lastSignalId = :id",
            ConditionExpression = "attribute_exists(id) AND (attribute_not_exists(lastSignalId) OR lastSignalId < :id)",
            ExpressionAttributeValues = new() { [":at"] = N(signal.CreatedAt), [":id"] = S(signal.Id) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_OLD,
        }, idempotent: true, ct);
        // The entries that are no longer valid: the previous activity's when the chat moved, or
        // our own when a newer signal got there first.
        DateTimeOffset? obsolete = null;
        if (moved is not null)
        {
            var previous = TimeOf(moved.Attributes, "lastActivityAt");
            obsolete = previous != signal.CreatedAt ? previous : null;
        }
        else if (await GetChatAsync(signal.ChatId, ct) is { } chat && chat.LastActivityAt != signal.CreatedAt)
        {
            obsolete = signal.CreatedAt;
        }

        if (obsolete is { } stale)
        {
            await BatchWriteAsync(_tables.Inbox, members.Select(m => DeleteRequest(InboxKey(m.UserId, stale, signal.ChatId))), ct);
        }

        // What I sent I have seen: otherwise my own message would count as unread to me.
        await MoveSenderPointersAsync(signal, number, ct);
        return wrote;
    }

    /// <summary>
    /// The chat's timeline buckets from <paramref name="from"/> (or the newest / oldest end)
    /// towards older ones, or newer ones when <paramref name="forward"/>, read from the chat's
    /// bucket list so that empty days cost nothing.
    /// </summary>
    private async IAsyncEnumerable<long> TimelineBucketsAsync(
        Guid chatId, long? from, bool forward, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var request = new QueryRequest
        {
            TableName = _tables.TimelineBuckets,
            KeyConditionExpression = from is null ? "chat = :c" : forward ? "chat = :c AND #b >= :from" : "chat = :c AND #b <= :from",
            ExpressionAttributeValues = new() { [":c"] = S(chatId) },
            ScanIndexForward = forward,
            Limit = 16,
            ConsistentRead = true,
        };
        if (from is { } value)
        {
            request.ExpressionAttributeNames = new() { ["#b"] = "bucket" };
            request.ExpressionAttributeValues[":from"] = N(value);
        }

        while (true)
        {
            var response = await ReadAsync((db, token) => db.QueryAsync(request, token), ct);
            foreach (var item in response.Items ?? [])
            {
                yield return LongOf(item, "bucket") ?? 0;
            }

            if (response.LastEvaluatedKey is not { Count: > 0 } next)
            {
                yield break;
            }

            request.ExclusiveStartKey = next;
        }
    }

    private static Dictionary<string, AttributeValue> SignalKey(Guid chatId, Guid signalId) =>
        new() { ["part"] = S(PartOf(chatId, BucketOf(signalId))), ["id"] = S(signalId) };

    /// <summary>A signal's own fields, without key or reactions: for the signal item and the client id claim.</summary>
    private static Dictionary<string, AttributeValue> SignalFields(Signal signal)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = S(signal.Id),
            ["chat"] = S(signal.ChatId),
            ["kind"] = S(StoredNames.Of(signal.Kind)),
            ["sender"] = S(signal.SenderId),
            ["at"] = N(signal.CreatedAt),
        };
        if (signal.Text is not null)
        {
            item["text"] = S(signal.Text);
        }

        if (signal.ClientId is not null)
        {
            item["client"] = S(signal.ClientId);
        }

        if (signal.MemberId is { } member)
        {
            item["member"] = S(member);
        }

        if (signal.CallUrl is not null)
        {
            item["call"] = S(signal.CallUrl);
        }

        if (signal.AttachmentIds.Count > 0)
        {
            // In the order sent, comma-separated: bounded by the per-message attachment limit.
            item["files"] = S(string.Join(",", signal.AttachmentIds.Select(id => id.ToString("D"))));
        }

        if (StoredSignalCall.Write(signal.Call) is { } callInfo)
        {
            item["callInfo"] = S(callInfo);
        }

        if (signal.Encrypted is not null)
        {
            // The sealed message as one JSON string: bounded by E2ee:MaxCiphertextLength.
            item["enc"] = S(System.Text.Json.JsonSerializer.Serialize(signal.Encrypted, ScyllaJsonContext.Default.EncryptedPayload));
        }

        if (signal.ReplyToId is { } replyTo)
        {
            item["reply"] = S(replyTo);
        }

        if (signal.Mentions.Count > 0)
        {
            item["mentions"] = S(JoinIds(signal.Mentions));
        }

        if (signal.OldName is not null)
        {
            item["oldName"] = S(signal.OldName);
        }

        if (signal.NewName is not null)
        {
            item["newName"] = S(signal.NewName);
        }

        if (signal.ThreadId is { } thread)
        {
            item["thread"] = S(thread);
        }

        return item;
    }

    private static Signal ReadSignal(Dictionary<string, AttributeValue> item)
    {
        var counts = new List<(string Emoji, int Count, long First)>();
        foreach (var (name, value) in item)
        {
            if (name.StartsWith(CountPrefix, StringComparison.Ordinal) && value.N is { } n
                && int.TryParse(n, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count) && count > 0)
            {
                var emoji = name[CountPrefix.Length..];
                counts.Add((emoji, count, LongOf(item, FirstUsePrefix + emoji) ?? long.MaxValue));
            }
        }

        // In the order each emoji was first used among the current reactions, then by text.
        var reactions = counts.OrderBy(c => c.First).ThenBy(c => c.Emoji, StringComparer.Ordinal)
            .Select(c => new ReactionCount(c.Emoji, c.Count)).ToList();
        return new Signal(
            GuidOf(item, "id"),
            GuidOf(item, "chat"),
            StoredNames.SignalKindOf(RequiredString(item, "kind")),
            GuidOf(item, "sender"),
            StringOf(item, "text"),
            StringOf(item, "client"),
            TimeOf(item, "at"),
            NullableGuidOf(item, "member"),
            StringOf(item, "call"),
            // A tombstone has no reactions, even a count that a racing reaction wrote after the delete.
            item.ContainsKey("deleted") ? [] : reactions)
        {
            AttachmentIds = SplitIds(StringOf(item, "files")),
            Call = StoredSignalCall.Read(StringOf(item, "callInfo")),
            Encrypted = StringOf(item, "enc") is { } sealedMessage
                ? System.Text.Json.JsonSerializer.Deserialize(sealedMessage, ScyllaJsonContext.Default.EncryptedPayload)
                : null,
            EditedAt = NullableTimeOf(item, "edited"),
            DeletedAt = NullableTimeOf(item, "deleted"),
            ReplyToId = NullableGuidOf(item, "reply"),
            Mentions = SplitIds(StringOf(item, "mentions")),
            OldName = StringOf(item, "oldName"),
            NewName = StringOf(item, "newName"),
            ThreadId = NullableGuidOf(item, "thread"),
            Thread = ReadThreadSummary(item),
        };
    }

}
