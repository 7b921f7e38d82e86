using PetitChat.Core.Chats;

namespace PetitChat.Server.Chats;

/// <summary>Without <c>kind</c>: a name makes a group, two members without a name a direct chat.</summary>
public sealed record CreateChatRequest(IReadOnlyList<Guid>? MemberIds, string? Name, ChatKind? Kind)
{
    /// <summary>An end-to-end encrypted group (docs/e2ee.md); cannot be turned off.</summary>
    public bool? Encrypted { get; init; }
}
