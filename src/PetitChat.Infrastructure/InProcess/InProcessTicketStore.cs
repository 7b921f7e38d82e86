using System.Collections.Concurrent;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.InProcess;

/// <summary>
/// Tickets in this process's memory, beside the in-process bus (one node). Expired tickets leave
/// from the head of a queue in issue order (every ticket lives as long), so issuing one costs
/// O(1) however many are live, rather than a scan of them all.
/// </summary>
public sealed class InProcessTicketStore(TimeProvider time) : IEventTicketStore
{
    private readonly ConcurrentDictionary<string, StoredTicket> _tickets = new();
    private readonly Queue<(string Ticket, DateTimeOffset ExpiresAt)> _byExpiry = new();
    private readonly Lock _gate = new();

    /// <summary>Tickets held now, used or not, until they expire (for tests and metrics).</summary>
    public int Count => _tickets.Count;

    public Task PutAsync(string ticket, StoredTicket entry, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            while (_byExpiry.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
            {
                _byExpiry.Dequeue();
                _tickets.TryRemove(oldest.Ticket, out _);
            }

            _tickets[ticket] = entry;
            _byExpiry.Enqueue((ticket, entry.ExpiresAt));
        }

        return Task.CompletedTask;
    }

    public Task<StoredTicket?> TakeAsync(string ticket, CancellationToken ct) =>
        Task.FromResult(_tickets.TryRemove(ticket, out var entry) ? entry : null);
}
