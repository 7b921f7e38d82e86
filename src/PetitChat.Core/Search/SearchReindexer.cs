namespace PetitChat.Core.Search;

/// <summary>
/// Starts and runs reindexes (<see cref="SearchReindex"/>). The walk only writes search jobs; the
/// <see cref="SearchIndexer"/> drains them into whatever engine is configured, with its retries,
/// so switching engines keeps history and a down engine loses nothing. Two nodes running the
/// same step write the same jobs twice: that costs work, never correctness.
/// </summary>
public sealed class SearchReindexer(ISearchReindexStore store, SearchWakeup indexing, TimeProvider time, SearchReindexOptions options) : IDisposable
{
    private readonly SearchWakeup _started = new();

    /// <summary>Starts a run unless one is running; either way returns the running one.</summary>
    public async Task<SearchReindex> StartAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var run = await store.StartSearchReindexAsync(new SearchReindex(Guid.CreateVersion7(now), now, null, 0, 0, null), ct);
        _started.Notify();
        return run;
    }

    public Task<SearchReindex?> GetAsync(CancellationToken ct) => store.GetSearchReindexAsync(ct);

    /// <summary>
    /// Runs the current run to its end, step by step (<paramref name="progress"/> sees each one);
    /// returns it finished, or null when none is running.
    /// </summary>
    public async Task<SearchReindex?> RunAsync(Action<SearchReindex>? progress, CancellationToken ct)
    {
        if (await store.GetSearchReindexAsync(ct) is not { Running: true } run)
        {
            return null;
        }

        while (run.Running)
        {
            var next = await store.ContinueSearchReindexAsync(run, options.BatchSize, time.GetUtcNow(), ct);
            if (next == run)
            {
                // Another run replaced this one (it cannot while this one runs, but a stale read can).
                return next;
            }

            run = next;
            indexing.Notify();
            progress?.Invoke(run);
        }

        return run;
    }

    /// <summary>Waits until <see cref="StartAsync"/> is called in this process, or <see cref="SearchReindexOptions.PollInterval"/>.</summary>
    public Task<bool> WaitForStartAsync(CancellationToken ct) => _started.WaitAsync(options.PollInterval, ct);

    public void Dispose() => _started.Dispose();
}
