using PetitChat.Core.Receipts;

namespace PetitChat.Core.Events;

public sealed record ReceiptMoved(Guid ChatId, Guid UserId, ReceiptState State, Guid SignalId, DateTimeOffset At)
    : ChatEvent(ChatId);
