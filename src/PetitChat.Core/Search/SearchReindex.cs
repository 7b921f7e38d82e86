namespace PetitChat.Core.Search;

/// <summary>
/// One run of "index every stored message again" (<c>POST /api/v1/admin/search/reindex</c>, or
/// <c>search reindex</c> on the command line): it walks the store in batches and writes a search
/// job per message, so the existing outbox and indexer fill the engine now configured.
/// <see cref="Cursor"/> is where the walk stands (opaque, the store's own), so a restart resumes
/// there; <see cref="Scanned"/> counts signals walked over, <see cref="Enqueued"/> jobs written.
/// </summary>
public sealed record SearchReindex(Guid Id, DateTimeOffset StartedAt, string? Cursor, long Scanned, long Enqueued, DateTimeOffset? FinishedAt)
{
    public bool Running => FinishedAt is null;
}
