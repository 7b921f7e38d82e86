using PetitChat.Core.Chats;
using PetitChat.Core.Paging;
using PetitChat.Core.Reactions;
using PetitChat.Core.Receipts;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;
using PetitChat.Core.Users;

namespace PetitChat.Core.Storage;

/// <summary>
/// The chat store port: SQLite on a laptop, ScyllaDB (Alternator) in production. Every
/// adapter passes the same contract suite (tests/PetitChat.Contracts.Tests).
/// Methods that write several records do so all-or-nothing, or in an order whose partial
/// result the reads tolerate and a retry repairs. Cursors are opaque to callers; a cursor the
/// store did not issue throws <see cref="InvalidCursorException"/>.
/// </summary>
public interface IChatStore
{
    /// <summary>
    /// Creates the user on first sight of <paramref name="claims"/>' subject, or refreshes the
    /// stored username, display name, roles and email when they changed. Never creates two users for
    /// one subject, even when called concurrently.
    /// </summary>
    Task<User> UpsertUserAsync(UserClaims claims, Guid newId, DateTimeOffset now, CancellationToken ct);

    Task<User?> GetUserAsync(Guid userId, CancellationToken ct);

    /// <summary>The users among <paramref name="subjects"/> (identity provider <c>sub</c>s) that exist, in no particular order.</summary>
    Task<IReadOnlyList<User>> GetUsersBySubjectAsync(IReadOnlyCollection<string> subjects, CancellationToken ct);

    /// <summary>The users among <paramref name="userIds"/> that exist, in no particular order.</summary>
    Task<IReadOnlyList<User>> GetUsersAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct);

    /// <summary>
    /// Users whose username starts with <paramref name="prefix"/> (case-insensitive), ordered by
    /// username then id. An empty prefix lists everyone.
    /// </summary>
    Task<Page<User>> FindUsersAsync(string prefix, int limit, string? cursor, CancellationToken ct);

    /// <summary>
    /// Creates <paramref name="chat"/> with <paramref name="memberIds"/> as members. For a direct
    /// chat there is at most one per pair of users: when one exists it is returned with
    /// <c>Created = false</c> and nothing is written, also under concurrent calls.
    /// </summary>
    Task<(Chat Chat, bool Created)> CreateChatAsync(Chat chat, IReadOnlyList<Guid> memberIds, CancellationToken ct);

    Task<Chat?> GetChatAsync(Guid chatId, CancellationToken ct);

    /// <summary>The current members with their receipt pointers, ordered by join time.</summary>
    Task<IReadOnlyList<ChatMember>> GetMembersAsync(Guid chatId, CancellationToken ct);

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

    /// <summary>One chat as <see cref="ListChatsAsync"/> shows it, or null when the user is not a member.</summary>
    Task<ChatSummary?> GetChatSummaryAsync(Guid chatId, Guid userId, CancellationToken ct);

    /// <summary>
    /// Appends a signal, moves the chat's last activity, and moves the sender's delivered and
    /// read pointers to it. When the signal has a client id and (chat, sender, client id) was
    /// already used, returns the first signal with <c>Created = false</c> and writes nothing.
    /// A created signal with text also gets a search job (see <see cref="ClaimSearchJobsAsync"/>),
    /// due at the signal's <c>CreatedAt</c>, in the same write: never a signal without its job.
    /// </summary>
    Task<AppendResult> AppendSignalAsync(Signal signal, CancellationToken ct);

    Task<Signal?> GetSignalAsync(Guid chatId, Guid signalId, CancellationToken ct);

    /// <summary>A slice of the timeline, newest first; see <see cref="TimelineQuery"/>.</summary>
    Task<IReadOnlyList<Signal>> GetSignalsAsync(Guid chatId, TimelineQuery query, CancellationToken ct);

    /// <summary>
    /// Adds a reaction and increments its count on the signal, atomically. Returns false (and
    /// changes nothing) when the user already reacted with that emoji.
    /// </summary>
    Task<bool> AddReactionAsync(Reaction reaction, Guid chatId, CancellationToken ct);

    /// <summary>
    /// Removes a reaction and decrements its count on the signal, atomically. Returns false
    /// (and changes nothing) when there was no such reaction.
    /// </summary>
    Task<bool> RemoveReactionAsync(Guid chatId, Guid signalId, Guid userId, string emoji, CancellationToken ct);

    /// <summary>Every reaction to a signal, oldest first.</summary>
    Task<IReadOnlyList<Reaction>> GetReactionsAsync(Guid chatId, Guid signalId, CancellationToken ct);

    /// <summary>The reactions of one user to the given signals (to mark "mine" on a page).</summary>
    Task<IReadOnlyList<Reaction>> GetUserReactionsAsync(Guid chatId, Guid userId, IReadOnlyCollection<Guid> signalIds, CancellationToken ct);

    /// <summary>
    /// Moves a member's pointer forward to <paramref name="signalId"/>, never back. Read implies
    /// delivered, so a read receipt also moves the delivered pointer when it is behind.
    /// Concurrent moves keep the furthest one.
    /// </summary>
    Task<ReceiptMove> MoveReceiptAsync(Guid chatId, Guid userId, ReceiptState state, Guid signalId, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Claims up to <paramref name="limit"/> search jobs due at or before <paramref name="now"/>,
    /// earliest due first (ties by job id): each claimed job gets one more attempt and becomes due
    /// at <paramref name="leaseUntil"/>, so other claimers skip it meanwhile and, when the claimer
    /// dies before completing it, it is claimed again after the lease. An adapter without an
    /// atomic claim may rarely give one job to two claimers; jobs are idempotent, so that only
    /// costs work. A job whose signal no longer exists is valid: running it removes the signal
    /// from the index and completes the job. So an adapter that cannot write a signal and its job
    /// atomically must not let the job be claimed before the signal is readable (for instance,
    /// write the job due a lease later than the signal's time, or the signal first and repair a
    /// missing job on retry), or that message would never be indexed.
    /// </summary>
    Task<IReadOnlyList<SearchJob>> ClaimSearchJobsAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct);

    /// <summary>Deletes these jobs: their signals are in the index as the store has them. Unknown ids are ignored.</summary>
    Task CompleteSearchJobsAsync(IReadOnlyCollection<Guid> jobIds, CancellationToken ct);

    /// <summary>
    /// Makes these jobs due at <paramref name="dueAt"/> (a retry after the index failed), keeping
    /// their attempts. Unknown ids are ignored.
    /// </summary>
    Task RetrySearchJobsAsync(IReadOnlyCollection<Guid> jobIds, DateTimeOffset dueAt, CancellationToken ct);
}
