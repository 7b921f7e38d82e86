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
}
