namespace PetitChat.Core.Search;

/// <summary>How search jobs are drained into the index; configuration section <c>Search:Indexing</c>.</summary>
public sealed record SearchIndexerOptions
{
    public static SearchIndexerOptions Default { get; } = new();

    /// <summary>Jobs claimed and written to the index at once.</summary>
    public int BatchSize { get; init; } = 200;

    /// <summary>Signals of a batch read from the store at the same time.</summary>
    public int ReadConcurrency { get; init; } = 8;

    /// <summary>
    /// How long claimed jobs stay hidden from other claimers; when a node dies mid-batch, its jobs
    /// are claimed again after this.
    /// </summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// After a send wakes the indexer, how long it waits for more before it claims: the sends of
    /// that moment share one batch (one claim, one index write, one completion) instead of each
    /// taking the store's write lock three times beside the sends' own commits
    /// (docs/decisions/0014). Zero drains at once. A search finds a message this much later at most.
    /// </summary>
    public TimeSpan GatherDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the store is checked for jobs when nothing wakes the indexer (jobs of other nodes, retries).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait before the first retry of a failed batch; it doubles with each attempt.</summary>
    public TimeSpan FirstRetry { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between retries: a down engine is retried at least this often, forever.</summary>
    public TimeSpan MaxRetry { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The wait before retrying jobs claimed for the <paramref name="attempts"/>-th time.</summary>
    public TimeSpan RetryAfter(int attempts)
    {
        var doublings = Math.Clamp(attempts - 1, 0, 30);
        var ticks = Math.Min(FirstRetry.Ticks * (double)(1L << doublings), MaxRetry.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
