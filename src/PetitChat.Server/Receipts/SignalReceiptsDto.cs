using PetitChat.Core.Receipts;

namespace PetitChat.Server.Receipts;

public sealed record SignalReceiptsDto(IReadOnlyList<MemberReceipt> DeliveredTo, IReadOnlyList<MemberReceipt> ReadBy);
