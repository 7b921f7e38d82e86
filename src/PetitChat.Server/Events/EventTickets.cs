using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace PetitChat.Server.Events;

/// <summary>
/// One-use, short-lived tickets that stand for a bearer token in the stream's URL, because a
/// browser's EventSource cannot send an Authorization header and a long-lived token in a URL
/// ends up in logs. Kept in this node's memory: a ticket is redeemed on the node that issued it.
/// A ticket remembers when the token it stands for expires, so that the stream it opens ends
/// then, as one opened with the token itself does.
/// </summary>
public sealed class EventTickets(IOptions<EventStreamOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (Guid UserId, DateTimeOffset ExpiresAt, DateTimeOffset? TokenExpiresAt)> _tickets = new();

    public EventTicket Issue(Guid userId, DateTimeOffset? tokenExpiresAt)
    {
        var now = time.GetUtcNow();
        foreach (var (key, value) in _tickets)
        {
            if (value.ExpiresAt <= now)
            {
                _tickets.TryRemove(key, out _);
            }
        }

        var ticket = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expiresAt = now + options.Value.TicketLifetime;
        _tickets[ticket] = (userId, expiresAt, tokenExpiresAt);
        return new EventTicket(ticket, expiresAt);
    }

    /// <summary>The ticket's user and their token's expiry, once: a second redemption, or one after expiry, gives null.</summary>
    public (Guid UserId, DateTimeOffset? TokenExpiresAt)? Redeem(string ticket) =>
        _tickets.TryRemove(ticket, out var entry) && entry.ExpiresAt > time.GetUtcNow() ? (entry.UserId, entry.TokenExpiresAt) : null;
}
