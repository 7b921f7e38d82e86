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

    /// <summary>
    /// Records that the user was active at <paramref name="at"/> (a stream opened or closed, a send,
    /// a receipt, a typing call, an explicit ping), as every node sees it. It is also their "last
    /// seen". A time earlier than the recorded one changes nothing.
    /// </summary>
    Task TouchAsync(Guid userId, DateTimeOffset at, CancellationToken ct);

    /// <summary>
    /// Records that a stream of the user closed at <paramref name="at"/>, as every node sees it
    /// (<see cref="PetitChat.Core.Presence.UserActivity.ClosedAt"/>): the start of the offline grace
    /// for reads, as for the offline event. The latest close wins.
    /// </summary>
    Task ClosedAsync(Guid userId, DateTimeOffset at, CancellationToken ct);

    /// <summary>For each of <paramref name="userIds"/>: connected now (on any node), and their last recorded activity.</summary>
    Task<IReadOnlyDictionary<Guid, PetitChat.Core.Presence.UserActivity>> GetActivityAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct);

    /// <summary>
    /// Removes the connections held by nodes that stopped refreshing them (died), and returns the
    /// users left with no connection, so that they can be announced offline at once rather than
    /// when the keys expire. One node does this at a time; the others get an empty list.
    /// </summary>
    Task<IReadOnlyList<Guid>> ReapAsync(CancellationToken ct);
}
