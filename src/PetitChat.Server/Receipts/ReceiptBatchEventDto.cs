using PetitChat.Core.Events;
using PetitChat.Core.Receipts;

namespace PetitChat.Server.Receipts;

/// <summary>
/// The <c>receipt</c> event of a coalesced batch: <see cref="Receipts"/> holds the latest move of
/// each member and state in the window, oldest first. The single-move fields (the last move of the
/// batch) stay for clients written before batches; they miss the other moves of a batch.
/// </summary>
public sealed record ReceiptBatchEventDto(
    Guid ChatId, Guid UserId, ReceiptState State, Guid SignalId, DateTimeOffset At, IReadOnlyList<ReceiptEntryDto> Receipts)
{
    public static ReceiptBatchEventDto From(ReceiptsMoved batch)
    {
        var entries = new ReceiptEntryDto[batch.Receipts.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            var move = batch.Receipts[i];
            entries[i] = new ReceiptEntryDto(move.UserId, move.State, move.SignalId, move.At);
        }

        var last = batch.Receipts[^1];
        return new ReceiptBatchEventDto(batch.ChatId, last.UserId, last.State, last.SignalId, last.At, entries);
    }
}
