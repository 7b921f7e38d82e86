namespace PetitChat.Core.Search;

/// <summary>
/// The search outbox: a job per signal whose text the index must follow (docs/decisions/0010).
/// Part of the chat store (<see cref="PetitChat.Core.Storage.IChatStore"/>): SQLite on a laptop,
/// ScyllaDB (Alternator) in production; every adapter passes this port's contract suite
/// (tests/PetitChat.Contracts.Tests/Storage). Cursors are opaque; a cursor the store did not
/// issue throws <see cref="PetitChat.Core.Paging.InvalidCursorException"/>.
/// </summary>
public interface ISearchJobStore
{
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
