using PetitChat.Core.Reactions;

namespace PetitChat.Core.Signals;

/// <summary>
/// The timeline of each chat: signals, with the reactions whose counts they carry.
/// Part of the chat store (<see cref="PetitChat.Core.Storage.IChatStore"/>): SQLite on a laptop,
/// ScyllaDB (Alternator) in production; every adapter passes this port's contract suite
/// (tests/PetitChat.Contracts.Tests/Storage). Cursors are opaque; a cursor the store did not
/// issue throws <see cref="PetitChat.Core.Paging.InvalidCursorException"/>.
/// </summary>
public interface ISignalStore
{
    /// <summary>
    /// Appends a signal, moves the chat's last activity, and moves the sender's delivered and
    /// read pointers to it. When the signal has a client id and (chat, sender, client id) was
    /// already used, returns the first signal with <c>Created = false</c> and writes nothing.
    /// A created signal with text also gets a search job (see <see cref="PetitChat.Core.Search.ISearchJobStore.ClaimSearchJobsAsync"/>),
    /// due at the signal's <c>CreatedAt</c>, in the same write: never a signal without its job.
    /// </summary>
    /// <remarks>
    /// A signal with a <see cref="Signal.ThreadId"/> is a thread reply: it is stored (found by
    /// <see cref="GetSignalAsync"/>, paged by <see cref="GetThreadAsync"/>) but left out of
    /// <see cref="GetSignalsAsync"/>, the chat's unread count, last signal and activity, and the
    /// sender's pointers; the root's <see cref="Signal.Thread"/> gains it (count, newest time,
    /// participant) in the same write or in repeatable writes right after it, so N concurrent
    /// replies leave a count of N. The caller has checked that the root is a message of the chat.
    /// </remarks>
    Task<AppendResult> AppendSignalAsync(Signal signal, CancellationToken ct);

    /// <summary>
    /// A thread's replies, returned oldest first. With <see cref="TimelineQuery.After"/>: the
    /// <see cref="TimelineQuery.Limit"/> oldest replies newer than it; with
    /// <see cref="TimelineQuery.Before"/>: the newest replies older than it; with neither: the
    /// oldest. Bounds are exclusive; tombstones keep their place.
    /// </summary>
    Task<IReadOnlyList<Signal>> GetThreadAsync(Guid chatId, Guid rootId, TimelineQuery query, CancellationToken ct);

    Task<Signal?> GetSignalAsync(Guid chatId, Guid signalId, CancellationToken ct);

    /// <summary>A slice of the timeline, newest first; see <see cref="TimelineQuery"/>.</summary>
    Task<IReadOnlyList<Signal>> GetSignalsAsync(Guid chatId, TimelineQuery query, CancellationToken ct);

    /// <summary>
    /// The signals of the chat among <paramref name="signalIds"/> (thread replies and tombstones
    /// included), in no particular order; ids that are not signals of the chat are left out. One
    /// read, however many ids: a page's quoted originals are not read one by one.
    /// </summary>
    Task<IReadOnlyList<Signal>> GetSignalsByIdAsync(Guid chatId, IReadOnlyCollection<Guid> signalIds, CancellationToken ct);

    /// <summary>
    /// For each chat in <paramref name="afterByChat"/>, what <see cref="GetSignalsAsync"/> returns
    /// for <c>new TimelineQuery(null, after, limit)</c> (newest first); every chat asked for is a
    /// key. A page of chats costs a constant number of store round trips, whatever its size.
    /// </summary>
    Task<IReadOnlyDictionary<Guid, IReadOnlyList<Signal>>> GetSignalsAfterAsync(
        IReadOnlyDictionary<Guid, Guid?> afterByChat, int limit, CancellationToken ct);

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
    /// Replaces a message's text and mentions and sets <see cref="Signal.EditedAt"/>, with a search
    /// job so the index follows (written in the same write, or right after the change so that a
    /// retried edit repairs a job lost to a crash). Returns the signal after the change, or null
    /// (nothing written) when there is no such signal in the chat or it is a tombstone.
    /// </summary>
    Task<Signal?> EditSignalAsync(Guid chatId, Guid signalId, string text, IReadOnlyList<Guid> mentions, DateTimeOffset editedAt, CancellationToken ct);

    /// <summary>
    /// Turns a signal into a tombstone: <see cref="Signal.DeletedAt"/> set; text, mentions, call
    /// URL and attachment ids cleared; its reactions (rows and counts) removed; a search job so it
    /// leaves the index. Idempotent: on a tombstone it writes nothing and returns it with
    /// <c>Deleted = false</c>. Null when there is no such signal in the chat. The former
    /// attachment ids are returned for the caller to release the files.
    /// </summary>
    Task<SignalDeletion?> DeleteSignalAsync(Guid chatId, Guid signalId, DateTimeOffset deletedAt, CancellationToken ct);
}
