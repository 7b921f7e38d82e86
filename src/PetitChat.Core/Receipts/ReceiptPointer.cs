namespace PetitChat.Core.Receipts;

/// <summary>"Up to and including <see cref="SignalId"/>", moved at <see cref="At"/>.</summary>
public sealed record ReceiptPointer(Guid SignalId, DateTimeOffset At);
