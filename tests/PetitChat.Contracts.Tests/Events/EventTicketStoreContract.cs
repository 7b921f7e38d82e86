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
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.AddSeconds(30).ToUnixTimeMilliseconds());
        await first.PutAsync("ticket-1", user, expiresAt, CancellationToken.None);

        var taken = await second.TakeAsync("ticket-1", CancellationToken.None);
        var again = await first.TakeAsync("ticket-1", CancellationToken.None);

        Assert.Equal((user, expiresAt), taken);
        Assert.Null(again);
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
        await first.PutAsync("contended", Guid.CreateVersion7(), DateTimeOffset.UtcNow.AddSeconds(30), CancellationToken.None);

        var takes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).TakeAsync("contended", CancellationToken.None))));

        Assert.Single(takes, t => t is not null);
    }
}
