namespace PetitChat.Core.Chats;

public sealed record Chat(
    Guid Id,
    ChatKind Kind,
    string? Name,
    Guid CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    Guid? LastSignalId);
