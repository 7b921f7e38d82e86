namespace PetitChat.Core.Notifications;

/// <summary>
/// Who has a live stream open right now, as every server node and worker sees it: in-process
/// on a laptop, a NATS key-value bucket across nodes. A user with an open stream sees messages
/// arrive, so they get no push.
/// </summary>
public interface IPresence
{
    /// <summary>
    /// Marks the user connected until the returned lease is disposed. Leases count: the user is
    /// connected while any lease (on any node) is open. A node that dies without disposing its
    /// leases stops counting after the adapter's expiry.
    /// </summary>
    Task<IAsyncDisposable> ConnectAsync(Guid userId, CancellationToken ct);

    Task<bool> IsConnectedAsync(Guid userId, CancellationToken ct);
}
