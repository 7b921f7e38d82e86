using PetitChat.Core.Apps;
using PetitChat.Infrastructure.Apps;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteAppStore : IAppStore
{
    public async Task SaveAppAsync(App app, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO apps (id, body, created_at) VALUES (@id, @body, @at)
            ON CONFLICT (id) DO UPDATE SET body = excluded.body
            """, ct, ("@id", ToText(app.Id)), ("@body", Write(app, AppsJsonContext.Default.App)), ("@at", ToText(app.CreatedAt)));
    }

    public async Task<App?> GetAppAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ScalarAsync(connection, "SELECT body FROM apps WHERE id = @id", ct, ("@id", ToText(appId))) is string body
            ? Read(body, AppsJsonContext.Default.App)
            : null;
    }

    public async Task<IReadOnlyList<App>> ListAppsAsync(int max, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await QueryAsync(connection, "SELECT body FROM apps ORDER BY created_at, id LIMIT @max",
            r => Read(r.GetString(0), AppsJsonContext.Default.App), ct, ("@max", max));
    }

    public async Task<bool> DeleteAppAsync(Guid appId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "DELETE FROM apps WHERE id = @id", ct, ("@id", ToText(appId))) > 0;
    }
}
