using PetitChat.Core.Chats;
using PetitChat.Server.Signals;
using PetitChat.Server.Users;

namespace PetitChat.Server.Chats;

public sealed record ChatDto(
    Guid Id,
    ChatKind Kind,
    string? Name,
    IReadOnlyList<UserDto> Members,
    DateTimeOffset LastActivityAt,
    int UnreadCount,
    SignalDto? LastSignal,
    Guid CreatedBy,
    DateTimeOffset CreatedAt)
{
    /// <summary>Unread signals that mention me (among the newest 100 unread).</summary>
    public int UnreadMentions { get; init; }

    public static ChatDto From(ChatView view)
    {
        var (chat, unread, last) = view.Summary;
        return new ChatDto(chat.Id, chat.Kind, chat.Name, [.. view.Members.Select(UserDto.From)], chat.LastActivityAt, unread,
            last is null ? null : SignalDto.From(last), chat.CreatedBy, chat.CreatedAt)
        {
            Encrypted = chat.Encrypted,
            UnreadMentions = view.UnreadMentions,
        };
    }

    /// <summary>End-to-end encrypted (docs/e2ee.md).</summary>
    public bool Encrypted { get; init; }
}
