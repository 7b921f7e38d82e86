using PetitChat.Core.Receipts;

namespace PetitChat.Server.Receipts;

public sealed record ReceiptRequest(Guid? SignalId, ReceiptState? State);
