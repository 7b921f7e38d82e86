using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Receipts;
using PetitChat.Core.Signals;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaChatStore
{
    public async Task<ReceiptMove> MoveReceiptAsync(Guid chatId, Guid userId, ReceiptState state, Guid signalId, DateTimeOffset at, CancellationToken ct)
    {
        // The pointer may only name a signal of the chat, or a made-up "far future" id could pin
        // it forever; the signal also gives its sequence number for unread counts.
        if (await GetItemAsync(_tables.Signals, SignalKey(chatId, signalId), ct) is not { } signal)
        {
            return new ReceiptMove(false, false);
        }

        var seq = LongOf(signal, "seq") ?? 0;
        // Read implies delivered: a client that only reports reads still shows "delivered" right.
        var readMoved = state == ReceiptState.Read && await MovePointerAsync(chatId, userId, ReceiptState.Read, signalId, at, seq, ct);
        var deliveredMoved = await MovePointerAsync(chatId, userId, ReceiptState.Delivered, signalId, at, seq, ct);
        return new ReceiptMove(deliveredMoved, readMoved);
    }

    /// <summary>
    /// Both pointers of a sender to their new signal: one conditional update when both are behind
    /// (the usual case), else each on its own, so neither ever moves back.
    /// </summary>
    private async Task MoveSenderPointersAsync(Signal signal, long seq, CancellationToken ct)
    {
        var both = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Members,
            Key = MemberKey(signal.ChatId, signal.SenderId),
            UpdateExpression = "SET d = :id, dAt = :at, r = :id, rAt = :at, rSeq = :seq",
            ConditionExpression = "attribute_exists(#u) AND (attribute_not_exists(d) OR d < :id) AND (attribute_not_exists(r) OR r < :id)",
            ExpressionAttributeNames = new() { ["#u"] = "user" },
            ExpressionAttributeValues = new() { [":id"] = S(signal.Id), [":at"] = N(signal.CreatedAt), [":seq"] = N(seq) },
        }, idempotent: true, ct);
        if (both is null)
        {
            await MovePointerAsync(signal.ChatId, signal.SenderId, ReceiptState.Delivered, signal.Id, signal.CreatedAt, seq, ct);
            await MovePointerAsync(signal.ChatId, signal.SenderId, ReceiptState.Read, signal.Id, signal.CreatedAt, seq, ct);
        }
    }

    /// <summary>
    /// Forward only, as one conditional update (a lightweight transaction on Scylla): of
    /// concurrent moves the furthest stays, and a move to where the pointer already is does nothing.
    /// </summary>
    private async Task<bool> MovePointerAsync(Guid chatId, Guid userId, ReceiptState state, Guid signalId, DateTimeOffset at, long seq, CancellationToken ct)
    {
        var (pointer, time) = state == ReceiptState.Read ? ("r", "rAt") : ("d", "dAt");
        var request = new UpdateItemRequest
        {
            TableName = _tables.Members,
            Key = MemberKey(chatId, userId),
            UpdateExpression = state == ReceiptState.Read ? "SET #p = :id, #t = :at, rSeq = :seq" : "SET #p = :id, #t = :at",
            ConditionExpression = "attribute_exists(#u) AND (attribute_not_exists(#p) OR #p < :id)",
            ExpressionAttributeNames = new() { ["#p"] = pointer, ["#t"] = time, ["#u"] = "user" },
            ExpressionAttributeValues = new() { [":id"] = S(signalId), [":at"] = N(at) },
        };
        if (state == ReceiptState.Read)
        {
            request.ExpressionAttributeValues[":seq"] = N(seq);
        }

        return await TryUpdateAsync(request, idempotent: true, ct) is not null;
    }
}
