namespace PetitChat.Infrastructure;

/// <summary>
/// Runs an engine's preparation (create the index, put its settings) once per process, before
/// the first call that needs it: concurrent callers wait for the one that runs it, and a failure
/// leaves it to run again on the next call, so an engine that was down at start-up is prepared
/// when it comes back. Shared by the Meilisearch and Elasticsearch adapters and by the SQLite
/// schema parts (<see cref="Sqlite.SqliteSchemaPart"/>).
/// </summary>
internal sealed class ReadyOnce(Func<CancellationToken, Task> prepare) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public async Task EnsureAsync(CancellationToken ct)
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
                await prepare(ct);
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
