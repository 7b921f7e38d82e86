namespace PetitChat.Core.Apps;

/// <summary>
/// Keeps the record of app deliveries bounded: delivered ones go after
/// <see cref="AppOptions.KeepDelivered"/>, dead letters after <see cref="AppOptions.KeepFailed"/>,
/// pending ones stay (the queue still holds them), and a deleted app's go with it. Every node may
/// sweep at once: removing what another node removed first is not an error.
/// </summary>
public sealed class AppDeliveryRetention(IAppStore apps, IAppDeliveryStore deliveries, AppOptions options, TimeProvider time)
{
    private const int Batch = 500;

    private static readonly AppDeliveryStatus[] Every = Enum.GetValues<AppDeliveryStatus>();

    /// <summary>One round over every app; returns how many deliveries went.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var removed = 0;
        foreach (var app in await apps.ListAppsAsync(options.MaxApps, ct))
        {
            removed += await RemoveAsync(deliveries, app.Id, AppDeliveryStatus.Delivered, now - options.KeepDelivered, ct);
            removed += await RemoveAsync(deliveries, app.Id, AppDeliveryStatus.Failed, now - options.KeepFailed, ct);
        }

        return removed;
    }

    /// <summary>Every delivery of an app, whatever its state (the app is gone).</summary>
    public static async Task<int> RemoveAllAsync(IAppDeliveryStore deliveries, Guid appId, CancellationToken ct)
    {
        var removed = 0;
        foreach (var status in Every)
        {
            removed += await RemoveAsync(deliveries, appId, status, DateTimeOffset.MaxValue, ct);
        }

        return removed;
    }

    private static async Task<int> RemoveAsync(IAppDeliveryStore deliveries, Guid appId, AppDeliveryStatus status, DateTimeOffset before, CancellationToken ct)
    {
        var removed = 0;
        int batch;
        do
        {
            batch = await deliveries.RemoveDeliveriesAsync(appId, status, before, Batch, ct);
            removed += batch;
        }
        while (batch == Batch);
        return removed;
    }
}
