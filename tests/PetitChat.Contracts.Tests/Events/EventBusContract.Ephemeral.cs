using PetitChat.Core.Events;

namespace PetitChat.Contracts.Tests.Events;

public abstract partial class EventBusContract
{
    [Fact]
    public async Task An_ephemeral_event_reaches_open_streams_without_an_id_and_is_never_replayed()
    {
        var bus = await CreateBusAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        using var cts = new CancellationTokenSource(Wait);
        var stream = await bus.SubscribeAsync(alice, null, cts.Token);

        await PublishAsync(bus, alice, 1);
        await bus.PublishEphemeralAsync(Numbered(2), [alice, bob], cts.Token);
        await PublishAsync(bus, alice, 3);

        // Ephemeral and durable events may interleave differently on a bus with two channels.
        var seen = await TakeAsync(stream, 3, cts.Token);
        Assert.Equal([1, 2, 3], Numbers(seen).Order());
        Assert.Null(Assert.Single(seen, e => ((ReactionChanged)e.Event).Count == 2).Id);
        var lastDurable = seen.Last(e => e.Id is not null).Id;

        // A stream opened later, even resuming from before, never gets it.
        var resumed = await bus.SubscribeAsync(alice, seen.First(e => e.Id is not null).Id, cts.Token);
        await PublishAsync(bus, alice, 4);
        Assert.Equal([3, 4], Numbers(await TakeAsync(resumed, 2, cts.Token)));
        Assert.NotNull(lastDurable);
    }
}
