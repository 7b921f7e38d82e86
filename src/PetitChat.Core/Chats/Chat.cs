namespace PetitChat.Core.Chats;

public sealed record Chat(
    Guid Id,
    ChatKind Kind,
    string? Name,
    Guid CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    Guid? LastSignalId)
{
    /// <summary>End-to-end encrypted (docs/e2ee.md): signals carry ciphertext only. Set at creation, never turned off.</summary>
    public bool Encrypted { get; init; }
}
