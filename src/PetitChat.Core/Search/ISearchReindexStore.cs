namespace PetitChat.Core.Search;

/// <summary>
/// The store's side of a reindex (<see cref="SearchReindex"/>): the current run, and a walk over
/// every stored signal that writes search jobs into the outbox (<see cref="ISearchJobStore"/>).
/// SQLite and ScyllaDB (Alternator); both pass tests/PetitChat.Contracts.Tests/Storage/SearchReindexStoreContract.
/// </summary>
public interface ISearchReindexStore
{
    /// <summary>The latest run, running or finished; null when there never was one.</summary>
    Task<SearchReindex?> GetSearchReindexAsync(CancellationToken ct);

    /// <summary>
    /// Stores <paramref name="fresh"/> as the current run unless one is running, and returns the
    /// running one (so starting twice is one run, also under concurrent calls).
    /// </summary>
    Task<SearchReindex> StartSearchReindexAsync(SearchReindex fresh, CancellationToken ct);

    /// <summary>
    /// Walks up to <paramref name="limit"/> more signals of <paramref name="run"/> from its cursor
    /// and writes a search job (due at <paramref name="now"/>) for each that the index keeps
    /// (<see cref="SearchDocument.Indexes"/>); then saves and returns the run with its new cursor
    /// and counts, finished when the walk reached the end. The jobs are written before the
    /// progress, so a crash in between only repeats a batch (jobs are idempotent). A run that is
    /// no longer the current one is returned unchanged.
    /// </summary>
    Task<SearchReindex> ContinueSearchReindexAsync(SearchReindex run, int limit, DateTimeOffset now, CancellationToken ct);
}
