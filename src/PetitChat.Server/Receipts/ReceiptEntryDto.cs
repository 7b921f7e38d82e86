using PetitChat.Core.Receipts;

namespace PetitChat.Server.Receipts;

/// <summary>One member's pointer in a <c>receipt</c> event's <c>receipts</c>.</summary>
public sealed record ReceiptEntryDto(Guid UserId, ReceiptState State, Guid SignalId, DateTimeOffset At);
