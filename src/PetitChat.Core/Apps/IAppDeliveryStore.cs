namespace PetitChat.Core.Apps;

/// <summary>
/// The record of every event delivery to an app: what was sent, its state and last error, so that
/// failed ones (dead letters) can be listed and retried by an administrator. The queue job carries
/// the body (<see cref="AppDeliveries"/>); the workers write here once a delivery was attempted,
/// in batches (AppDeliveryRecorder). Every adapter passes AppStoresContract.
/// </summary>
public interface IAppDeliveryStore
{
    /// <summary>Creates the delivery, or replaces every field of the one with the same id (status changes).</summary>
    Task SaveDeliveryAsync(AppDelivery delivery, CancellationToken ct);

    /// <summary>
    /// Saves each delivery as <see cref="SaveDeliveryAsync"/> does, in as few writes as the engine
    /// allows (one transaction, or batches). Ids are distinct within one call. A failure may leave
    /// some saved and others not; saving them all again is harmless.
    /// </summary>
    Task SaveDeliveriesAsync(IReadOnlyCollection<AppDelivery> deliveries, CancellationToken ct);

    Task<AppDelivery?> GetDeliveryAsync(Guid appId, Guid deliveryId, CancellationToken ct);

    /// <summary>
    /// The app's deliveries, newest first, those with <paramref name="status"/> only when given, at
    /// most <paramref name="max"/>, older than <paramref name="before"/> when given (paging by id).
    /// </summary>
    Task<IReadOnlyList<AppDelivery>> ListDeliveriesAsync(Guid appId, AppDeliveryStatus? status, Guid? before, int max, CancellationToken ct);

    /// <summary>
    /// Removes at most <paramref name="max"/> of the app's deliveries with <paramref name="status"/>
    /// created before <paramref name="createdBefore"/> (ids are UUIDv7 of the creation time, so
    /// by id); returns how many went. Removing what is already gone is not an error (several nodes sweep).
    /// </summary>
    Task<int> RemoveDeliveriesAsync(Guid appId, AppDeliveryStatus status, DateTimeOffset createdBefore, int max, CancellationToken ct);
}
