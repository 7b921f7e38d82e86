using PetitChat.Core.Receipts;

namespace PetitChat.Core.Chats;

/// <summary>A member of a chat with their receipt pointers (null until first moved).</summary>
public sealed record ChatMember(
    Guid ChatId,
    Guid UserId,
    DateTimeOffset JoinedAt,
    ReceiptPointer? Delivered,
    ReceiptPointer? Read);
