using PetitChat.Core.Events;
using PetitChat.Core.Signals;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>
/// The copies of one event that a node's consumers read (one JetStream message per recipient) are
/// decoded once and share one event object there, as the in-process bus shares it; copies of
/// other events are not mistaken for it. Decision 0016, 2026-12-01.
/// </summary>
public sealed class NatsDecodedEventsTests(NatsServerFixture nats) : IClassFixture<NatsServerFixture>, IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private readonly NatsBuses _buses = new(nats.Server.Url);

    [Fact]
    public async Task The_recipients_on_one_node_share_one_decoded_event_each_with_its_own_id()
    {
        var (sender, node) = (await _buses.CreateAsync(), await _buses.CreateAsync());
        var (ann, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        using var cts = new CancellationTokenSource(Wait);
        await using var annStream = (await node.SubscribeAsync(ann, null, cts.Token)).GetAsyncEnumerator(cts.Token);
        await using var bobStream = (await node.SubscribeAsync(bob, null, cts.Token)).GetAsyncEnumerator(cts.Token);
        var signal = new Signal(Guid.CreateVersion7(), Guid.CreateVersion7(), SignalKind.Message, ann, "one copy each", "c1", DateTimeOffset.UtcNow, null, null, []);

        await sender.PublishAsync(new SignalCreated(signal), [ann, bob], CancellationToken.None);

        var (toAnn, toBob) = (await NextDurableAsync(annStream), await NextDurableAsync(bobStream));
        Assert.Equal(signal.Id, Assert.IsType<SignalCreated>(toAnn.Event).Signal.Id);
        Assert.Same(toAnn.Event, toBob.Event);
        Assert.NotEqual(toAnn.Id, toBob.Id);
    }

    [Fact]
    public async Task Events_that_differ_only_in_their_bodies_are_each_decoded_as_sent()
    {
        var (sender, node) = (await _buses.CreateAsync(), await _buses.CreateAsync());
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        await using var stream = (await node.SubscribeAsync(user, null, cts.Token)).GetAsyncEnumerator(cts.Token);
        var (chat, message) = (Guid.CreateVersion7(), Guid.CreateVersion7());

        for (var count = 1; count <= 40; count++)
        {
            await sender.PublishAsync(new ReactionChanged(chat, message, user, "👍", true, count % 2 + 1), [user], CancellationToken.None);
        }

        var counts = new List<int>();
        for (var i = 0; i < 40; i++)
        {
            counts.Add(Assert.IsType<ReactionChanged>((await NextDurableAsync(stream)).Event).Count);
        }

        Assert.Equal(Enumerable.Range(1, 40).Select(count => count % 2 + 1), counts);
    }

    public async ValueTask DisposeAsync() => await _buses.DisposeAsync();

    /// <summary>The next event with an id: a stream opened "from now on" starts with its reset.</summary>
    private static async Task<DeliveredEvent> NextDurableAsync(IAsyncEnumerator<DeliveredEvent> stream)
    {
        while (await stream.MoveNextAsync())
        {
            if (stream.Current.Event is not StreamReset)
            {
                return stream.Current;
            }
        }

        throw new InvalidOperationException("The stream ended.");
    }
}
