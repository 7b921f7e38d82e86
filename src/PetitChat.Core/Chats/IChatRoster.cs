using PetitChat.Core.Paging;
using PetitChat.Core.Signals;

namespace PetitChat.Core.Chats;

/// <summary>
/// Chats and their members, and each member's view of "my chats".
/// Part of the chat store (<see cref="PetitChat.Core.Storage.IChatStore"/>): SQLite on a laptop,
/// ScyllaDB (Alternator) in production; every adapter passes this port's contract suite
/// (tests/PetitChat.Contracts.Tests/Storage). Cursors are opaque; a cursor the store did not
/// issue throws <see cref="PetitChat.Core.Paging.InvalidCursorException"/>.
/// </summary>
public interface IChatRoster
{
    /// <summary>
    /// Creates <paramref name="chat"/> with <paramref name="memberIds"/> as members. For a direct
    /// chat there is at most one per pair of users: when one exists it is returned with
    /// <c>Created = false</c> and nothing is written, also under concurrent calls.
    /// </summary>
    Task<(Chat Chat, bool Created)> CreateChatAsync(Chat chat, IReadOnlyList<Guid> memberIds, CancellationToken ct);

    Task<Chat?> GetChatAsync(Guid chatId, CancellationToken ct);

    /// <summary>The current members with their receipt pointers, ordered by join time.</summary>
    Task<IReadOnlyList<ChatMember>> GetMembersAsync(Guid chatId, CancellationToken ct);

    /// <summary>
    /// The current members of each of <paramref name="chatIds"/>, each list ordered by join time as
    /// <see cref="GetMembersAsync"/> orders it; every chat asked for is a key (an unknown chat has an
    /// empty list). A page of chats costs a constant number of store round trips, whatever the
    /// number of chats or members on it.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<ChatMember>>> GetMembersOfChatsAsync(IReadOnlyCollection<Guid> chatIds, CancellationToken ct);

    /// <summary>The member, or null when <paramref name="userId"/> is not (or no longer) a member.</summary>
    Task<ChatMember?> GetMemberAsync(Guid chatId, Guid userId, CancellationToken ct);

    /// <summary>
    /// Adds a member and appends <paramref name="joined"/> to the timeline, both or neither.
    /// The new member's receipt pointers start at <paramref name="joined"/>, so the history
    /// before they joined does not count as unread for them. Nothing is written when the user is already a member or the chat already has
    /// <paramref name="maxMembers"/> members.
    /// </summary>
    Task<AddMemberResult> AddMemberAsync(Guid chatId, Guid userId, Signal joined, int maxMembers, CancellationToken ct);

    /// <summary>
    /// Removes a member and appends <paramref name="left"/> to the timeline, both or neither.
    /// Returns false (and writes nothing) when the user was not a member.
    /// </summary>
    Task<bool> RemoveMemberAsync(Guid chatId, Guid userId, Signal left, CancellationToken ct);

    /// <summary>
    /// My chats, most recent activity first (ties broken by chat id), each with my unread count
    /// (signals after my read pointer that others sent) and its newest signal.
    /// </summary>
    Task<Page<ChatSummary>> ListChatsAsync(Guid userId, int limit, string? cursor, CancellationToken ct);

    /// <summary>
    /// The ids, kinds and names of my chats, most recent activity first, at most
    /// <paramref name="limit"/> (a bound, not a page: a search covers a bounded number of chats).
    /// Unlike <see cref="ListChatsAsync"/> it reads no members, unread counts or last signals,
    /// so that a search over hundreds of chats does not pay for them. A chat I left is not listed.
    /// </summary>
    Task<IReadOnlyList<ChatRef>> ListChatRefsAsync(Guid userId, int limit, CancellationToken ct);

    /// <summary>One chat as <see cref="ListChatsAsync"/> shows it, or null when the user is not a member.</summary>
    Task<ChatSummary?> GetChatSummaryAsync(Guid chatId, Guid userId, CancellationToken ct);

    /// <summary>
    /// Renames the chat to <paramref name="renamed"/>'s <see cref="Signal.NewName"/> when its name is
    /// still <paramref name="expectedName"/>, and appends <paramref name="renamed"/> (a
    /// <see cref="SignalKind.ChatRenamed"/> signal) to its timeline. Returns false and writes
    /// nothing when the name is no longer <paramref name="expectedName"/> (a concurrent rename
    /// won). An adapter without transactions writes the name first, then the signal.
    /// </summary>
    Task<bool> RenameChatAsync(Guid chatId, string? expectedName, Signal renamed, CancellationToken ct);
}
