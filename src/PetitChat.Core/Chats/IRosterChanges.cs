namespace PetitChat.Core.Chats;

/// <summary>
/// Tells the other nodes that a chat's members changed, so that their <see cref="RosterCache"/>
/// drops what it holds for the chat, and what follows it (presence's chat partners) what it holds
/// for the users named. In one process there is nobody to tell (<see cref="NoOtherNodes"/>); across
/// nodes the notice goes over NATS (core publish, at most once).
/// </summary>
public interface IRosterChanges
{
    /// <summary>
    /// Called after the change is committed. Best effort: a notice that does not arrive leaves the
    /// other nodes with the old members for at most <see cref="RosterCacheOptions.MaxAge"/>, and
    /// with the old chat partners for at most <c>Presence:PartnerCacheFor</c>.
    /// </summary>
    Task PublishAsync(RosterChange change, CancellationToken ct);

    /// <summary>
    /// Hands every other node's notice to <paramref name="changed"/> until the result is disposed;
    /// live when the returned task completes. <paramref name="missed"/> is called whenever notices
    /// may have been missed (the connection to the other nodes came back), so that everything is dropped.
    /// </summary>
    Task<IAsyncDisposable> ListenAsync(Action<RosterChange> changed, Action missed, CancellationToken ct);
}
