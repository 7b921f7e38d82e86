namespace PetitChat.Core.Apps;

/// <summary>
/// Registered apps, next to the chat store: SQLite on a laptop, ScyllaDB in production. Every
/// adapter passes the same contract suite (tests/PetitChat.Contracts.Tests, AppStoreContract).
/// </summary>
public interface IAppStore
{
    /// <summary>Creates the app, or replaces every field of the app with the same id (rotate, revoke, edit).</summary>
    Task SaveAppAsync(App app, CancellationToken ct);

    Task<App?> GetAppAsync(Guid appId, CancellationToken ct);

    /// <summary>Every app, oldest first (app ids are UUIDv7 of the creation time), at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<App>> ListAppsAsync(int max, CancellationToken ct);

    /// <summary>Deletes the app; false when there was none. Its deliveries stay until they expire from the list.</summary>
    Task<bool> DeleteAppAsync(Guid appId, CancellationToken ct);
}
