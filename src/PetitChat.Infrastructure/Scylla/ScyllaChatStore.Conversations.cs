using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Signals;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// Edits, tombstones and renames. No transactions: each is one conditional update of the item
/// that decides (the signal, the chat), followed by repeatable writes (the search job, the
/// reaction rows, the rename's signal), so a retry after a crash finishes the work.
/// </summary>
public sealed partial class ScyllaChatStore
{
    public async Task<Signal?> EditSignalAsync(Guid chatId, Guid signalId, string text, IReadOnlyList<Guid> mentions, DateTimeOffset editedAt, CancellationToken ct)
    {
        var request = new UpdateItemRequest
        {
            TableName = _tables.Signals,
            Key = SignalKey(chatId, signalId),
            UpdateExpression = mentions.Count == 0 ? "SET #t = :t, #e = :e REMOVE #m" : "SET #t = :t, #e = :e, #m = :m",
            ConditionExpression = "attribute_exists(id) AND attribute_not_exists(#d)",
            ExpressionAttributeNames = new() { ["#t"] = "text", ["#e"] = "edited", ["#m"] = "mentions", ["#d"] = "deleted" },
            ExpressionAttributeValues = new() { [":t"] = S(text), [":e"] = N(editedAt) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_NEW,
        };
        if (mentions.Count > 0)
        {
            request.ExpressionAttributeValues[":m"] = S(JoinIds(mentions));
        }

        if (await TryUpdateAsync(request, idempotent: true, ct) is not { } updated)
        {
            return null;
        }

        // After the change, under its own id: a job claimed before the edit completes only
        // itself, and this one then indexes the new text. A retried edit writes it again.
        var edited = ReadSignal(updated.Attributes);
        await AddSearchJobAsync(edited, ct, Guid.CreateVersion7(editedAt), editedAt);
        return edited;
    }

    public async Task<SignalDeletion?> DeleteSignalAsync(Guid chatId, Guid signalId, DateTimeOffset deletedAt, CancellationToken ct)
    {
        if (await GetItemAsync(_tables.Signals, SignalKey(chatId, signalId), ct) is not { } item)
        {
            return null;
        }

        var before = ReadSignal(item);
        if (before.DeletedAt is not null)
        {
            return new SignalDeletion(before, Deleted: false, []);
        }

        // The content and every reaction count go in one conditional update; reaction rows after.
        var names = new Dictionary<string, string> { ["#t"] = "text", ["#m"] = "mentions", ["#f"] = "files", ["#c"] = "call", ["#e"] = "enc", ["#d"] = "deleted" };
        var remove = new List<string> { "#t", "#m", "#f", "#c", "#e" };
        var i = 0;
        foreach (var name in item.Keys.Where(k => k.StartsWith(CountPrefix, StringComparison.Ordinal) || k.StartsWith(FirstUsePrefix, StringComparison.Ordinal)))
        {
            names[$"#r{i}"] = name;
            remove.Add($"#r{i++}");
        }

        var updated = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Signals,
            Key = SignalKey(chatId, signalId),
            UpdateExpression = $"SET #d = :d REMOVE {string.Join(", ", remove)}",
            ConditionExpression = "attribute_exists(id) AND attribute_not_exists(#d)",
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = new() { [":d"] = N(deletedAt) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_NEW,
        }, idempotent: true, ct);
        if (updated is null)
        {
            // Deleted meanwhile by someone else.
            return await GetSignalAsync(chatId, signalId, ct) is { } tombstone ? new SignalDeletion(tombstone, false, []) : null;
        }

        var rows = await QueryAsync(new QueryRequest
        {
            TableName = _tables.Reactions,
            KeyConditionExpression = "#s = :s",
            ExpressionAttributeNames = new() { ["#s"] = "signal", ["#k"] = "key" },
            ExpressionAttributeValues = new() { [":s"] = S(signalId) },
            ProjectionExpression = "#s, #k",
        }, int.MaxValue, ct);
        await BatchWriteAsync(_tables.Reactions, rows.Select(DeleteRequest), ct);
        var deleted = ReadSignal(updated.Attributes);
        await AddSearchJobAsync(deleted, ct, Guid.CreateVersion7(deletedAt), deletedAt);
        return new SignalDeletion(deleted, Deleted: true, before.AttachmentIds);
    }

    public async Task<bool> RenameChatAsync(Guid chatId, string? expectedName, Signal renamed, CancellationToken ct)
    {
        var request = new UpdateItemRequest
        {
            TableName = _tables.Chats,
            Key = ChatKey(chatId),
            UpdateExpression = "SET #n = :new",
            ConditionExpression = expectedName is null ? "attribute_exists(id) AND attribute_not_exists(#n)" : "attribute_exists(id) AND #n = :old",
            ExpressionAttributeNames = new() { ["#n"] = "name" },
            ExpressionAttributeValues = new() { [":new"] = S(renamed.NewName ?? throw new ArgumentException("A rename signal names the new name.", nameof(renamed))) },
        };
        if (expectedName is not null)
        {
            request.ExpressionAttributeValues[":old"] = S(expectedName);
        }

        if (await TryUpdateAsync(request, idempotent: false, ct) is null)
        {
            return false;
        }

        // The name first, then its signal: a crash in between leaves the new name without the
        // timeline entry, never an entry for a rename that did not happen.
        await AppendSignalAsync(renamed, ct);
        return true;
    }

    private static string JoinIds(IEnumerable<Guid> ids) => string.Join(",", ids.Select(id => id.ToString("D")));

    private static IReadOnlyList<Guid> SplitIds(string? text) =>
        text is { Length: > 0 } ? [.. text.Split(',').Select(id => Guid.ParseExact(id, "D"))] : [];
}
