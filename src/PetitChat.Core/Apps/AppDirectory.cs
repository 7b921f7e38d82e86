namespace PetitChat.Core.Apps;

/// <summary>
/// The registered apps as this node last read them, by bot user, kept for
/// <see cref="AppOptions.DirectoryRefresh"/>: the send path asks it for every event, so it must
/// not cost a store read each time. Changes made on this node apply at once (<see cref="Invalidate"/>);
/// those made on another node within the refresh delay.
/// </summary>
public sealed class AppDirectory(IAppStore store, AppOptions options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Snapshot? _snapshot;

    public async Task<Snapshot> GetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_snapshot is { } current && now - current.ReadAt < options.DirectoryRefresh)
        {
            return current;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_snapshot is { } again && now - again.ReadAt < options.DirectoryRefresh)
            {
                return again;
            }

            var apps = await store.ListAppsAsync(options.MaxApps, ct);
            var byBot = new Dictionary<Guid, App>(apps.Count);
            foreach (var app in apps)
            {
                byBot[app.BotUserId] = app;
            }

            return _snapshot = new Snapshot(byBot, time.GetUtcNow());
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _snapshot = null;

    public void Dispose() => _gate.Dispose();

    /// <summary>The apps by their bot user's id.</summary>
    public sealed record Snapshot(IReadOnlyDictionary<Guid, App> ByBotUser, DateTimeOffset ReadAt);
}
