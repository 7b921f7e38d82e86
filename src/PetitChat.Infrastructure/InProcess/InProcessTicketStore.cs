using System.Collections.Concurrent;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.InProcess;

/// <summary>Tickets in this process's memory, beside the in-process bus (one node).</summary>
public sealed class InProcessTicketStore(TimeProvider time) : IEventTicketStore
{
    private readonly ConcurrentDictionary<string, StoredTicket> _tickets = new();

    public Task PutAsync(string ticket, StoredTicket entry, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (key, value) in _tickets)
        {
            if (value.ExpiresAt <= now)
            {
                _tickets.TryRemove(key, out _);
            }
        }

        _tickets[ticket] = entry;
        return Task.CompletedTask;
    }

    public Task<StoredTicket?> TakeAsync(string ticket, CancellationToken ct) =>
        Task.FromResult(_tickets.TryRemove(ticket, out var entry) ? entry : null);
}
