namespace PetitChat.Core.Events;

/// <summary>
/// One-use tickets that stand for a user for a short while (a browser's EventSource cannot
/// send a bearer token), shared by every node that shares the event bus, so that a ticket
/// issued on one node opens a stream on another.
/// </summary>
public interface IEventTicketStore
{
    /// <summary>Keeps <paramref name="ticket"/> until at least its <see cref="StoredTicket.ExpiresAt"/>.</summary>
    Task PutAsync(string ticket, StoredTicket entry, CancellationToken ct);

    /// <summary>
    /// Removes the ticket and returns what it was issued with, or null when it is unknown or was
    /// already taken. Of two concurrent takes of one ticket, on any nodes, at most one gets it.
    /// The caller checks the expiry.
    /// </summary>
    Task<StoredTicket?> TakeAsync(string ticket, CancellationToken ct);
}
