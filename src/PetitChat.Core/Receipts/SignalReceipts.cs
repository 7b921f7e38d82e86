namespace PetitChat.Core.Receipts;

/// <summary>Who received and who saw one signal, each with when their pointer reached it.</summary>
public sealed record SignalReceipts(IReadOnlyList<MemberReceipt> DeliveredTo, IReadOnlyList<MemberReceipt> ReadBy);
