using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PetitChat.Core.Events;

namespace PetitChat.Server.Events;

/// <summary>
/// One-use, short-lived tickets that stand for a bearer token in the stream's URL, because a
/// browser's EventSource cannot send an Authorization header and a long-lived token in a URL
/// ends up in logs. Kept where the bus keeps its state (this process, or NATS), so that with
/// several nodes a ticket issued on one opens a stream on any other.
/// A ticket remembers when the token it stands for expires, so that the stream it opens ends
/// then, as one opened with the token itself does.
/// </summary>
public sealed class EventTickets(IEventTicketStore store, IOptions<EventStreamOptions> options, TimeProvider time)
{
    public async Task<EventTicket> IssueAsync(Guid userId, DateTimeOffset? tokenExpiresAt, CancellationToken ct)
    {
        var ticket = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var expiresAt = time.GetUtcNow() + options.Value.TicketLifetime;
        await store.PutAsync(ticket, new StoredTicket(userId, expiresAt, tokenExpiresAt), ct);
        return new EventTicket(ticket, expiresAt);
    }

    /// <summary>The ticket's user and their token's expiry, once: a second redemption, or one after expiry, gives null.</summary>
    public async Task<(Guid UserId, DateTimeOffset? TokenExpiresAt)?> RedeemAsync(string ticket, CancellationToken ct) =>
        await store.TakeAsync(ticket, ct) is { } entry && entry.ExpiresAt > time.GetUtcNow() ? (entry.UserId, entry.TokenExpiresAt) : null;
}
