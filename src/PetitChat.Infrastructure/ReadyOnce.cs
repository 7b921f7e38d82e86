namespace PetitChat.Infrastructure;

/// <summary>
/// Runs an engine's preparation (create the index, put its settings) once per process, before
/// the first call that needs it: concurrent callers wait for the one that runs it, and a failure
/// leaves it to run again on the next call, so an engine that was down at start-up is prepared
/// when it comes back. Shared by the Meilisearch and Elasticsearch adapters and by the SQLite
/// schema parts (<see cref="Sqlite.SqliteSchemaPart"/>), the SQLite store and its search index.
/// </summary>
internal sealed class ReadyOnce : IDisposable
{
    private readonly Func<CancellationToken, Task>? _prepare;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    /// <summary>For an owner that passes its preparation on each call (<see cref="EnsureAsync{TState}"/>).</summary>
    public ReadyOnce()
    {
    }

    public ReadyOnce(Func<CancellationToken, Task> prepare) => _prepare = prepare;

    public Task EnsureAsync(CancellationToken ct) =>
        EnsureAsync(_prepare ?? throw new InvalidOperationException("This ReadyOnce was made without a preparation."), static (prepare, ct) => prepare(ct), ct);

    /// <summary>
    /// The same with the preparation and its state given here: an owner made by a primary
    /// constructor cannot hand one of its own methods to a field initializer, and a static lambda
    /// with a state allocates nothing on the calls that find it ready.
    /// </summary>
    public async Task EnsureAsync<TState>(TState state, Func<TState, CancellationToken, Task> prepare, CancellationToken ct)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (!_ready)
            {
                await prepare(state, ct);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
