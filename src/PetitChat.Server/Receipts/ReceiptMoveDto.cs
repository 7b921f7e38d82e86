namespace PetitChat.Server.Receipts;

/// <summary>Which of the caller's pointers moved; neither does when they were already there.</summary>
public sealed record ReceiptMoveDto(bool DeliveredMoved, bool ReadMoved);
