using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Reactions;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaChatStore
{
    public async Task<bool> AddReactionAsync(Reaction reaction, Guid chatId, CancellationToken ct)
    {
        var signalKey = SignalKey(chatId, reaction.SignalId);
        if (await GetItemAsync(_tables.Signals, signalKey, ct) is null)
        {
            throw new KeyNotFoundException($"Signal {reaction.SignalId} is not in chat {chatId}.");
        }

        // 1. The reaction row, conditional: only the first add of (user, emoji) goes on. The writer
        //    token tells our own earlier attempt (a retried request) from someone else's row.
        var writer = Guid.NewGuid().ToString("N");
        var key = ReactionKey(reaction.SignalId, reaction.UserId, reaction.Emoji);
        var added = await TryPutAsync(new PutItemRequest
        {
            TableName = _tables.Reactions,
            Item = new(key)
            {
                ["chat"] = S(chatId),
                ["user"] = S(reaction.UserId),
                ["emoji"] = S(reaction.Emoji),
                ["at"] = N(reaction.At),
                ["writer"] = S(writer),
            },
            ConditionExpression = "attribute_not_exists(#k)",
            ExpressionAttributeNames = new() { ["#k"] = "key" },
        }, idempotent: true, ct);
        if (!added && (await GetItemAsync(_tables.Reactions, key, ct) is not { } row || StringOf(row, "writer") != writer))
        {
            return false;
        }

        // 2. The count on the signal: an atomic ADD (never retried when its outcome is unknown),
        //    and when the emoji is first used, its time for the chips' order.
        var counted = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Signals,
            Key = signalKey,
            UpdateExpression = "ADD #c :one SET #f = if_not_exists(#f, :at)",
            ConditionExpression = "attribute_exists(id)",
            ExpressionAttributeNames = new() { ["#c"] = CountPrefix + reaction.Emoji, ["#f"] = FirstUsePrefix + reaction.Emoji },
            ExpressionAttributeValues = new() { [":one"] = N(1), [":at"] = N(reaction.At) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.UPDATED_NEW,
        }, idempotent: false, ct);
        if (counted is not null && LongOf(counted.Attributes, CountPrefix + reaction.Emoji) == 0)
        {
            await DropZeroCountAsync(signalKey, reaction.Emoji, ct);
        }

        return true;
    }

    public async Task<bool> RemoveReactionAsync(Guid chatId, Guid signalId, Guid userId, string emoji, CancellationToken ct)
    {
        var removed = await TryDeleteAsync(new DeleteItemRequest
        {
            TableName = _tables.Reactions,
            Key = ReactionKey(signalId, userId, emoji),
            ConditionExpression = "attribute_exists(#k) AND #ch = :chat",
            ExpressionAttributeNames = new() { ["#k"] = "key", ["#ch"] = "chat" },
            ExpressionAttributeValues = new() { [":chat"] = S(chatId) },
        }, idempotent: false, ct);
        if (removed is null)
        {
            return false;
        }

        var signalKey = SignalKey(chatId, signalId);
        var counted = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Signals,
            Key = signalKey,
            UpdateExpression = "ADD #c :minusOne",
            ConditionExpression = "attribute_exists(id)",
            ExpressionAttributeNames = new() { ["#c"] = CountPrefix + emoji },
            ExpressionAttributeValues = new() { [":minusOne"] = N(-1) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.UPDATED_NEW,
        }, idempotent: false, ct);
        if (counted is not null && LongOf(counted.Attributes, CountPrefix + emoji) == 0)
        {
            await DropZeroCountAsync(signalKey, emoji, ct);
        }

        return true;
    }

    public async Task<IReadOnlyList<Reaction>> GetReactionsAsync(Guid chatId, Guid signalId, CancellationToken ct)
    {
        var items = await QueryAsync(new QueryRequest
        {
            TableName = _tables.Reactions,
            KeyConditionExpression = "#s = :s",
            ExpressionAttributeNames = new() { ["#s"] = "signal" },
            ExpressionAttributeValues = new() { [":s"] = S(signalId) },
        }, int.MaxValue, ct);
        return [.. items.Where(i => StringOf(i, "chat") == chatId.ToString("D")).Select(ReadReaction).OrderBy(r => r.At)];
    }

    public async Task<IReadOnlyList<Reaction>> GetUserReactionsAsync(Guid chatId, Guid userId, IReadOnlyCollection<Guid> signalIds, CancellationToken ct)
    {
        // One short query per signal (a page has at most 100), in parallel: the rows of one user
        // share the prefix "user#" of the signal's partition.
        var pages = await Task.WhenAll(signalIds.Distinct().Select(signalId => QueryAsync(new QueryRequest
        {
            TableName = _tables.Reactions,
            KeyConditionExpression = "#s = :s AND begins_with(#k, :user)",
            ExpressionAttributeNames = new() { ["#s"] = "signal", ["#k"] = "key" },
            ExpressionAttributeValues = new() { [":s"] = S(signalId), [":user"] = S(userId.ToString("D") + "#") },
        }, int.MaxValue, ct)));
        var chat = chatId.ToString("D");
        return [.. pages.SelectMany(p => p).Where(i => StringOf(i, "chat") == chat).Select(ReadReaction).OrderBy(r => r.SignalId).ThenBy(r => r.At)];
    }

    /// <summary>
    /// A count back at zero goes, with its first-use time, so that the next first use starts the
    /// chip anew. Only at exactly zero: a count that is briefly negative (a remove's decrement
    /// overtook the add's increment) must stay for the increment to land on.
    /// </summary>
    private async Task DropZeroCountAsync(Dictionary<string, AttributeValue> signalKey, string emoji, CancellationToken ct) =>
        await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Signals,
            Key = signalKey,
            UpdateExpression = "REMOVE #c, #f",
            ConditionExpression = "#c = :zero",
            ExpressionAttributeNames = new() { ["#c"] = CountPrefix + emoji, ["#f"] = FirstUsePrefix + emoji },
            ExpressionAttributeValues = new() { [":zero"] = N(0) },
        }, idempotent: true, ct);

    private static Dictionary<string, AttributeValue> ReactionKey(Guid signalId, Guid userId, string emoji) =>
        new() { ["signal"] = S(signalId), ["key"] = S($"{userId:D}#{emoji}") };

    private static Reaction ReadReaction(Dictionary<string, AttributeValue> item) =>
        new(GuidOf(item, "signal"), GuidOf(item, "user"), RequiredString(item, "emoji"), TimeOf(item, "at"));
}
