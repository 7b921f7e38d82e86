using PetitChat.Core.Events;
using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Events;

public abstract partial class EventBusContract
{
    [Fact]
    public async Task A_new_signal_published_again_by_a_repeated_send_reaches_a_subscriber_once()
    {
        var bus = await CreateBusAsync();
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var stream = await bus.SubscribeAsync(user, null, cts.Token);
        var signal = NewSignal();

        await bus.PublishAsync(new SignalCreated(signal), [user], cts.Token);
        await bus.PublishAsync(new SignalCreated(signal) { Repeat = true }, [user], cts.Token);
        await PublishAsync(bus, user, 1);

        var got = await TakeAsync(stream, 2, cts.Token);
        Assert.Equal(signal.Id, Assert.IsType<SignalCreated>(got[0].Event).Signal.Id);
        Assert.Equal(1, Assert.IsType<ReactionChanged>(got[1].Event).Count);
    }

    protected static Signal NewSignal() =>
        new(Guid.CreateVersion7(), Guid.CreateVersion7(), SignalKind.Message, Guid.CreateVersion7(), "hello", "c-1",
            DateTimeOffset.UtcNow, MemberId: null, CallUrl: null, Reactions: []);
}
