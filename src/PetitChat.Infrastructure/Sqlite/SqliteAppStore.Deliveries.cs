using PetitChat.Core.Apps;
using PetitChat.Core.Common;
using PetitChat.Infrastructure.Apps;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteAppStore : IAppDeliveryStore
{
    private const string Upsert = """
        INSERT INTO app_deliveries (app_id, id, status, body) VALUES (@app, @id, @status, @body)
        ON CONFLICT (app_id, id) DO UPDATE SET status = excluded.status, body = excluded.body
        """;

    public async Task SaveDeliveryAsync(AppDelivery delivery, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, Upsert, ct, UpsertParameters(delivery));
    }

    /// <summary>
    /// One immediate transaction for the lot: one turn of the file's write lock instead of one per
    /// delivery, held briefly (the JSON is made before, and one prepared statement runs for every row).
    /// </summary>
    public async Task SaveDeliveriesAsync(IReadOnlyCollection<AppDelivery> deliveries, CancellationToken ct)
    {
        if (deliveries.Count == 0)
        {
            return;
        }

        var rows = deliveries.Select(UpsertParameters).ToList();
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = Command(connection, Upsert, rows[0]);
        foreach (var row in rows)
        {
            foreach (var (name, value) in row)
            {
                command.Parameters[name].Value = value;
            }

            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public async Task<AppDelivery?> GetDeliveryAsync(Guid appId, Guid deliveryId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ScalarAsync(connection, "SELECT body FROM app_deliveries WHERE app_id = @app AND id = @id", ct,
            ("@app", ToText(appId)), ("@id", ToText(deliveryId))) is string body
            ? Read(body, AppsJsonContext.Default.AppDelivery)
            : null;
    }

    public async Task<IReadOnlyList<AppDelivery>> ListDeliveriesAsync(Guid appId, AppDeliveryStatus? status, Guid? before, int max, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // Ids are UUIDv7 written as text: text order is creation order.
        return await QueryAsync(connection, """
            SELECT body FROM app_deliveries
            WHERE app_id = @app AND (@status IS NULL OR status = @status) AND (@before IS NULL OR id < @before)
            ORDER BY id DESC LIMIT @max
            """, r => Read(r.GetString(0), AppsJsonContext.Default.AppDelivery), ct,
            ("@app", ToText(appId)), ("@status", status is { } s ? StatusText(s) : null), ("@before", ToText(before)), ("@max", max));
    }

    public async Task<int> RemoveDeliveriesAsync(Guid appId, AppDeliveryStatus status, DateTimeOffset createdBefore, int max, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, """
            DELETE FROM app_deliveries WHERE (app_id, id) IN (
                SELECT app_id, id FROM app_deliveries
                WHERE app_id = @app AND status = @status AND id < @before
                ORDER BY id LIMIT @max)
            """, ct, ("@app", ToText(appId)), ("@status", StatusText(status)), ("@before", ToText(Ids.FirstAt(createdBefore))), ("@max", max));
    }

    private static (string Name, object? Value)[] UpsertParameters(AppDelivery delivery) =>
    [
        ("@app", ToText(delivery.AppId)), ("@id", ToText(delivery.Id)), ("@status", StatusText(delivery.Status)),
        ("@body", Write(delivery, AppsJsonContext.Default.AppDelivery)),
    ];

    private static string StatusText(AppDeliveryStatus status) => status switch
    {
        AppDeliveryStatus.Pending => "pending",
        AppDeliveryStatus.Delivered => "delivered",
        _ => "failed",
    };
}
