namespace PetitChat.Core.Chats;

/// <summary>
/// What a user asks for when creating a chat. Without <paramref name="Kind"/>, a name makes a
/// group and two members without a name make a direct chat. The creator is always a member.
/// </summary>
public sealed record NewChat(IReadOnlyList<Guid> MemberIds, string? Name, ChatKind? Kind)
{
    /// <summary>An end-to-end encrypted group (docs/e2ee.md); without a kind, encrypted means a group.</summary>
    public bool Encrypted { get; init; }
}
