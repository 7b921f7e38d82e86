using PetitChat.Core.Apps;
using PetitChat.Infrastructure.Apps;

namespace PetitChat.Infrastructure.Scylla;

public sealed partial class ScyllaAppStore : IAppStore
{
    private const string AppsPartition = "apps";

    public Task SaveAppAsync(App app, CancellationToken ct) =>
        PutAsync(AppsPartition, app.Id.ToString("D"), Write(app, AppsJsonContext.Default.App), ct);

    public async Task<App?> GetAppAsync(Guid appId, CancellationToken ct) =>
        await GetBodyAsync(AppsPartition, appId.ToString("D"), ct) is { } body ? Read(body, AppsJsonContext.Default.App) : null;

    public async Task<IReadOnlyList<App>> ListAppsAsync(int max, CancellationToken ct) =>
        [.. (await QueryBodiesAsync(AppsPartition, max, descending: false, ct)).Select(b => Read(b, AppsJsonContext.Default.App))];

    public Task<bool> DeleteAppAsync(Guid appId, CancellationToken ct) => DeleteAsync(AppsPartition, appId.ToString("D"), ct);
}
