using PetitChat.Core.Search;

namespace PetitChat.Server.Search;

/// <summary>
/// A reindex run and its progress: signals walked and search jobs written so far (the indexer
/// drains those jobs into the engine behind it); <see cref="FinishedAt"/> is null while it runs.
/// </summary>
public sealed record SearchReindexDto(Guid Id, string State, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, long Scanned, long Enqueued)
{
    public static SearchReindexDto From(SearchReindex run) =>
        new(run.Id, run.Running ? "running" : "finished", run.StartedAt, run.FinishedAt, run.Scanned, run.Enqueued);
}
