namespace PetitChat.Core.Search;

/// <summary>
/// Wakes the search indexer when this process wrote a search job, so a message is searchable
/// within milliseconds rather than at the indexer's next poll. Losing a wake-up loses nothing:
/// the poll finds the job.
/// </summary>
public sealed class SearchWakeup : IDisposable
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            if (_pending.CurrentCount == 0)
            {
                _pending.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Another caller released it in between: one wake-up is enough.
        }
    }

    /// <summary>Waits for <see cref="Notify"/> or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _pending.WaitAsync(timeout, ct);

    public void Dispose() => _pending.Dispose();
}
