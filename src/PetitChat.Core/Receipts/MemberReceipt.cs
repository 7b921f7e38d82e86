namespace PetitChat.Core.Receipts;

public sealed record MemberReceipt(Guid UserId, DateTimeOffset At);
