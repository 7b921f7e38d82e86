namespace PetitChat.Core.Events;

/// <summary>
/// Pointer moves of one chat gathered over a coalescing window: the latest move of each member
/// and state, oldest first. One event per recipient per window, whatever the number of moves.
/// </summary>
public sealed record ReceiptsMoved(Guid ChatId, IReadOnlyList<ReceiptMoved> Receipts) : ChatEvent(ChatId);
