using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Calls;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Calls in the Scylla store's cluster, through its client, in one table <c>calls</c> (partition
/// <c>part</c>, sort <c>key</c>) created at start-up with the others. Items:
/// <list type="bullet">
/// <item><c>call#</c>id / <c>call</c>: the call; a participant is two attributes, <c>j#</c>user
/// (first join, ticks) and <c>l#</c>user (left, ticks; removed on a rejoin); <c>v</c> is the version.</item>
/// <item><c>room#</c>room / <c>room</c>: which call has this Jitsi room.</item>
/// <item><c>chat#</c>chat / <c>running</c>: the chat's running call, put only if absent: the
/// conditional write that keeps one running call per chat under concurrent starts.</item>
/// <item><c>ringing</c> / start ticks + <c>#</c> + id: unanswered calls, for the ring timeout sweep.</item>
/// </list>
/// Joins, leaves and the end are conditional updates of the call item (each a lightweight
/// transaction on Scylla); docs/scylla.md has the write order.
/// </summary>
public sealed class ScyllaCallStore(ScyllaChatStore store) : ICallStore
{
    private const string CallKey = "call";
    private const string RingingPartition = "ringing";
    private const string JoinedPrefix = "j#";
    private const string LeftPrefix = "l#";

    private readonly AlternatorClient _client = store.Client;
    private readonly string _table = store.Tables.Calls;

    public async Task<(Call Call, bool Created)> StartAsync(Call call, CancellationToken ct)
    {
        var item = Key(CallPartition(call.Id), CallKey);
        item["chat"] = S(call.ChatId.ToString("D"));
        item["room"] = S(call.Room);
        item["media"] = S(StoredNames.Of(call.Media));
        item["by"] = S(call.StartedBy.ToString("D"));
        item["at"] = N(call.StartedAt.UtcTicks);
        item["v"] = N(call.Version);
        item["answered"] = new AttributeValue { BOOL = call.Answered };
        foreach (var participant in call.Participants)
        {
            item[JoinedPrefix + participant.UserId.ToString("D")] = N(participant.JoinedAt.UtcTicks);
        }

        // The call, its room and its ringing entry first, the chat's pointer last: a pointer never
        // names a missing call, and a start that loses (or crashes) leaves entries the reads ignore.
        await PutAsync(new PutItemRequest { TableName = _table, Item = item }, ct);
        var roomItem = Key(RoomPartition(call.Room), "room");
        roomItem["call"] = S(call.Id.ToString("D"));
        await PutAsync(new PutItemRequest
        {
            TableName = _table,
            Item = roomItem,
            ConditionExpression = "attribute_not_exists(#p)",
            ExpressionAttributeNames = new() { ["#p"] = "part" },
        }, ct);
        var ringing = Key(RingingPartition, RingingKey(call));
        if (!call.Answered)
        {
            ringing["call"] = S(call.Id.ToString("D"));
            await PutAsync(new PutItemRequest { TableName = _table, Item = ringing }, ct);
        }

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var pointer = Key(ChatPartition(call.ChatId), "running");
            pointer["call"] = S(call.Id.ToString("D"));
            if (await TryAsync((db, token) => db.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = pointer,
                ConditionExpression = "attribute_not_exists(#p)",
                ExpressionAttributeNames = new() { ["#p"] = "part" },
            }, token), idempotent: false, ct))
            {
                return (call, true);
            }

            if (await PointerAsync(call.ChatId, ct) is not { } runningId)
            {
                continue;
            }

            if (await GetAsync(runningId, ct) is { Running: true } running)
            {
                await DeleteAsync(Key(RingingPartition, RingingKey(call)), ct);
                await DeleteAsync(Key(RoomPartition(call.Room), "room"), ct);
                await DeleteAsync(Key(CallPartition(call.Id), CallKey), ct);
                return (running, false);
            }

            // A pointer to an ended call: an end that did not get to remove it. Removed only if unchanged.
            await RemovePointerAsync(call.ChatId, runningId, ct);
        }

        throw new InvalidOperationException($"Could not start a call in chat {call.ChatId}: its running call kept changing.");
    }

    public async Task<Call?> GetAsync(Guid callId, CancellationToken ct) =>
        await GetItemAsync(Key(CallPartition(callId), CallKey), ct) is { } item ? Read(callId, item) : null;

    public async Task<Call?> GetByRoomAsync(string room, CancellationToken ct) =>
        await GetItemAsync(Key(RoomPartition(room), "room"), ct) is { } item && Guid.TryParseExact(item["call"].S, "D", out var id)
            ? await GetAsync(id, ct)
            : null;

    public async Task<Call?> GetRunningAsync(Guid chatId, CancellationToken ct) =>
        await PointerAsync(chatId, ct) is { } id && await GetAsync(id, ct) is { Running: true } call ? call : null;

    public async Task<Call?> JoinAsync(Guid callId, Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        var current = await GetAsync(callId, ct);
        if (current is not { Running: true })
        {
            return null;
        }

        var answers = userId != current.StartedBy;
        var updated = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(CallPartition(callId), CallKey),
            UpdateExpression = "SET #j = if_not_exists(#j, :at), #v = #v + :one" + (answers ? ", #a = :yes" : "") + " REMOVE #l",
            ConditionExpression = "attribute_exists(#p) AND attribute_not_exists(#e)",
            ExpressionAttributeNames = WithNames(answers, userId),
            ExpressionAttributeValues = answers
                ? new() { [":at"] = N(at.UtcTicks), [":one"] = N(1), [":yes"] = new AttributeValue { BOOL = true } }
                : new() { [":at"] = N(at.UtcTicks), [":one"] = N(1) },
            ReturnValues = ReturnValue.ALL_NEW,
        }, ct);
        if (updated is null)
        {
            return null;
        }

        if (answers && !current.Answered)
        {
            await DeleteAsync(Key(RingingPartition, RingingKey(current)), ct);
        }

        return Read(callId, updated.Attributes);
    }

    public async Task<Call?> LeaveAsync(Guid callId, Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        var updated = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _table,
            Key = Key(CallPartition(callId), CallKey),
            UpdateExpression = "SET #l = :at, #v = #v + :one",
            ConditionExpression = "attribute_exists(#j) AND attribute_not_exists(#l) AND attribute_not_exists(#e)",
            ExpressionAttributeNames = new()
            {
                ["#j"] = JoinedPrefix + userId.ToString("D"),
                ["#l"] = LeftPrefix + userId.ToString("D"),
                ["#v"] = "v",
                ["#e"] = "ended",
            },
            ExpressionAttributeValues = new() { [":at"] = N(at.UtcTicks), [":one"] = N(1) },
            ReturnValues = ReturnValue.ALL_NEW,
        }, ct);
        if (updated is not null)
        {
            return Read(callId, updated.Attributes);
        }

        // Not in it (nothing to change), or the call is unknown or ended (null).
        return await GetAsync(callId, ct) is { Running: true } call ? call : null;
    }

    public async Task<Call?> EndAsync(Guid callId, DateTimeOffset at, long? expectedVersion, CancellationToken ct)
    {
        var names = new Dictionary<string, string> { ["#p"] = "part", ["#e"] = "ended", ["#v"] = "v" };
        var values = new Dictionary<string, AttributeValue> { [":at"] = N(at.UtcTicks), [":one"] = N(1) };
        var condition = "attribute_exists(#p) AND attribute_not_exists(#e)";
        if (expectedVersion is { } version)
        {
            condition += " AND #v = :version";
            values[":version"] = N(version);
        }

        // Not retried on an unknown outcome: the one ender that gets the call writes call_ended.
        UpdateItemResponse response;
        try
        {
            response = await _client.RunAsync((db, token) => db.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = Key(CallPartition(callId), CallKey),
                UpdateExpression = "SET #e = :at, #v = #v + :one",
                ConditionExpression = condition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                ReturnValues = ReturnValue.ALL_NEW,
            }, token), idempotent: false, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }

        var ended = Read(callId, response.Attributes);
        await RemovePointerAsync(ended.ChatId, callId, ct);
        await DeleteAsync(Key(RingingPartition, RingingKey(ended)), ct);
        return ended;
    }

    public async Task<IReadOnlyList<Call>> GetUnansweredAsync(DateTimeOffset startedBy, int limit, CancellationToken ct)
    {
        var response = await _client.RunAsync((db, token) => db.QueryAsync(new QueryRequest
        {
            TableName = _table,
            KeyConditionExpression = "#p = :p AND #k <= :k",
            ExpressionAttributeNames = new() { ["#p"] = "part", ["#k"] = "key" },
            ExpressionAttributeValues = new()
            {
                [":p"] = S(RingingPartition),
                [":k"] = S(startedBy.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "~"),
            },
            ConsistentRead = true,
            Limit = limit,
        }, token), idempotent: true, ct);

        var calls = new List<Call>(response.Items.Count);
        foreach (var entry in response.Items)
        {
            var key = entry["key"].S;
            if (!Guid.TryParseExact(key[(key.IndexOf('#', StringComparison.Ordinal) + 1)..], "D", out var id))
            {
                continue;
            }

            // Answered, ended, or the leftover of a start that lost the chat's pointer: not ringing.
            if (await GetAsync(id, ct) is { Running: true, Answered: false } call && await PointerAsync(call.ChatId, ct) == id)
            {
                calls.Add(call);
            }
            else
            {
                await DeleteAsync(Key(RingingPartition, key), ct);
            }
        }

        return calls;
    }

    private static Call Read(Guid callId, Dictionary<string, AttributeValue> item)
    {
        DateTimeOffset? ended = item.TryGetValue("ended", out var e) && e.N is { } endedTicks ? Time(endedTicks) : null;
        var participants = new List<CallParticipant>();
        foreach (var (name, value) in item)
        {
            if (name.StartsWith(JoinedPrefix, StringComparison.Ordinal) && value.N is { } joined)
            {
                var user = name[JoinedPrefix.Length..];
                // An ended call has everyone out: those still in left when it ended.
                var left = item.TryGetValue(LeftPrefix + user, out var l) && l.N is { } leftTicks ? Time(leftTicks) : ended;
                participants.Add(new CallParticipant(Guid.ParseExact(user, "D"), Time(joined), left));
            }
        }

        participants.Sort((a, b) => a.JoinedAt != b.JoinedAt ? a.JoinedAt.CompareTo(b.JoinedAt) : a.UserId.CompareTo(b.UserId));
        return new Call(
            callId,
            Guid.ParseExact(item["chat"].S, "D"),
            item["room"].S,
            StoredNames.CallMediaOf(item["media"].S),
            Guid.ParseExact(item["by"].S, "D"),
            Time(item["at"].N),
            ended,
            participants,
            long.Parse(item["v"].N, CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, string> WithNames(bool answers, Guid userId)
    {
        var names = new Dictionary<string, string>
        {
            ["#p"] = "part",
            ["#e"] = "ended",
            ["#v"] = "v",
            ["#j"] = JoinedPrefix + userId.ToString("D"),
            ["#l"] = LeftPrefix + userId.ToString("D"),
        };
        if (answers)
        {
            names["#a"] = "answered";
        }

        return names;
    }

    private async Task<Guid?> PointerAsync(Guid chatId, CancellationToken ct) =>
        await GetItemAsync(Key(ChatPartition(chatId), "running"), ct) is { } item && Guid.TryParseExact(item["call"].S, "D", out var id) ? id : null;

    private Task<bool> RemovePointerAsync(Guid chatId, Guid callId, CancellationToken ct) =>
        TryAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest
        {
            TableName = _table,
            Key = Key(ChatPartition(chatId), "running"),
            ConditionExpression = "#c = :call",
            ExpressionAttributeNames = new() { ["#c"] = "call" },
            ExpressionAttributeValues = new() { [":call"] = S(callId.ToString("D")) },
        }, token), idempotent: true, ct);

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(Dictionary<string, AttributeValue> key, CancellationToken ct)
    {
        var response = await _client.RunAsync((db, token) => db.GetItemAsync(new GetItemRequest
        {
            TableName = _table,
            Key = key,
            ConsistentRead = true,
        }, token), idempotent: true, ct);
        return response.IsItemSet && response.Item is { Count: > 0 } item ? item : null;
    }

    private Task<PutItemResponse> PutAsync(PutItemRequest request, CancellationToken ct) =>
        _client.RunAsync((db, token) => db.PutItemAsync(request, token), idempotent: true, ct);

    private Task<DeleteItemResponse> DeleteAsync(Dictionary<string, AttributeValue> key, CancellationToken ct) =>
        _client.RunAsync((db, token) => db.DeleteItemAsync(new DeleteItemRequest { TableName = _table, Key = key }, token), idempotent: true, ct);

    private async Task<UpdateItemResponse?> TryUpdateAsync(UpdateItemRequest request, CancellationToken ct)
    {
        try
        {
            return await _client.RunAsync((db, token) => db.UpdateItemAsync(request, token), idempotent: true, ct);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    private async Task<bool> TryAsync<T>(Func<IAmazonDynamoDB, CancellationToken, Task<T>> call, bool idempotent, CancellationToken ct)
    {
        try
        {
            await _client.RunAsync(call, idempotent, ct);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static string CallPartition(Guid callId) => "call#" + callId.ToString("D");

    private static string RoomPartition(string room) => "room#" + room;

    private static string ChatPartition(Guid chatId) => "chat#" + chatId.ToString("D");

    private static string RingingKey(Call call) => call.StartedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "#" + call.Id.ToString("D");

    private static DateTimeOffset Time(string ticks) => new(long.Parse(ticks, CultureInfo.InvariantCulture), TimeSpan.Zero);

    private static Dictionary<string, AttributeValue> Key(string part, string key) => new() { ["part"] = S(part), ["key"] = S(key) };

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
