using PetitChat.Core.Events;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>Every behaviour of <see cref="IEventTicketStore"/>; each adapter's subclass says how to build two "nodes" on one store.</summary>
public abstract class EventTicketStoreContract
{
    /// <summary>Two handles on the same tickets (for NATS: two connections, as two nodes).</summary>
    protected abstract Task<(IEventTicketStore First, IEventTicketStore Second)> CreateStoresAsync();

    [Fact]
    public async Task A_ticket_is_taken_once_with_what_it_was_issued_with()
    {
        var (first, second) = await CreateStoresAsync();
        var user = Guid.CreateVersion7();
        var issued = new StoredTicket(user, Ms(DateTimeOffset.UtcNow.AddSeconds(30)), Ms(DateTimeOffset.UtcNow.AddMinutes(5)));
        await first.PutAsync("ticket-1", issued, CancellationToken.None);
        await first.PutAsync("ticket-2", issued with { TokenExpiresAt = null }, CancellationToken.None);

        var taken = await second.TakeAsync("ticket-1", CancellationToken.None);
        var again = await first.TakeAsync("ticket-1", CancellationToken.None);
        var withoutTokenExpiry = await first.TakeAsync("ticket-2", CancellationToken.None);

        Assert.Equal(issued, taken);
        Assert.Null(again);
        Assert.Equal(issued with { TokenExpiresAt = null }, withoutTokenExpiry);
    }

    [Fact]
    public async Task An_unknown_ticket_gives_nothing()
    {
        var (first, _) = await CreateStoresAsync();

        Assert.Null(await first.TakeAsync("never-issued", CancellationToken.None));
    }

    [Fact]
    public async Task Of_many_concurrent_takes_of_one_ticket_at_most_one_gets_it()
    {
        var (first, second) = await CreateStoresAsync();
        await first.PutAsync("contended", new StoredTicket(Guid.CreateVersion7(), DateTimeOffset.UtcNow.AddSeconds(30), null), CancellationToken.None);

        var takes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).TakeAsync("contended", CancellationToken.None))));

        Assert.Single(takes, t => t is not null);
    }

    /// <summary>Times as stores keep them: to the millisecond.</summary>
    private static DateTimeOffset Ms(DateTimeOffset at) => DateTimeOffset.FromUnixTimeMilliseconds(at.ToUnixTimeMilliseconds());
}
