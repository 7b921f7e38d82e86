using PetitChat.Core.Events;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>
/// Every behaviour of <see cref="IEventBus"/>; each adapter adds a subclass that only says how
/// to build it. Events carry a number in <see cref="ReactionChanged.Count"/> so that order,
/// gaps and duplicates are easy to see.
/// </summary>
public abstract class EventBusContract
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    /// <summary>A fresh bus with the given retention, buffer per subscriber and clock.</summary>
    protected abstract Task<IEventBus> CreateBusAsync(TimeSpan retention, int subscriberBuffer, TimeProvider time);

    private Task<IEventBus> CreateBusAsync() => CreateBusAsync(TimeSpan.FromHours(24), 1000, TimeProvider.System);

    [Fact]
    public async Task A_subscriber_gets_what_is_published_after_it_subscribed_in_order()
    {
        var bus = await CreateBusAsync();
        var user = Guid.CreateVersion7();
        await PublishAsync(bus, user, 1, 2);
        using var cts = new CancellationTokenSource(Wait);

        var stream = await bus.SubscribeAsync(user, null, cts.Token);
        await PublishAsync(bus, user, 3, 4, 5);

        Assert.Equal([3, 4, 5], Numbers(await TakeAsync(stream, 3, cts.Token)));
    }

    [Fact]
    public async Task Only_recipients_get_an_event()
    {
        var bus = await CreateBusAsync();
        var (alice, bob) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        using var cts = new CancellationTokenSource(Wait);
        var bobStream = await bus.SubscribeAsync(bob, null, cts.Token);

        await PublishAsync(bus, alice, 1);
        await PublishAsync(bus, bob, 2);

        Assert.Equal([2], Numbers(await TakeAsync(bobStream, 1, cts.Token)));
    }

    [Fact]
    public async Task Resuming_from_an_id_replays_what_was_missed_then_goes_on_live()
    {
        var bus = await CreateBusAsync();
        var user = Guid.CreateVersion7();
        string lastSeen;
        using (var first = new CancellationTokenSource(Wait))
        {
            var stream = await bus.SubscribeAsync(user, null, first.Token);
            await PublishAsync(bus, user, 1, 2, 3);
            var seen = await TakeAsync(stream, 3, first.Token);
            lastSeen = seen[^1].Id!;
            await first.CancelAsync();
        }

        await PublishAsync(bus, user, 4, 5);
        using var cts = new CancellationTokenSource(Wait);
        var resumed = await bus.SubscribeAsync(user, lastSeen, cts.Token);
        await PublishAsync(bus, user, 6);

        Assert.Equal([4, 5, 6], Numbers(await TakeAsync(resumed, 3, cts.Token)));
    }

    [Fact]
    public async Task Resuming_from_the_middle_gives_every_later_event_once()
    {
        var bus = await CreateBusAsync();
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var watcher = await bus.SubscribeAsync(user, null, cts.Token);
        await PublishAsync(bus, user, 1, 2, 3, 4);
        var ids = await TakeAsync(watcher, 4, cts.Token);

        var resumed = await bus.SubscribeAsync(user, ids[1].Id, cts.Token);

        Assert.Equal([3, 4], Numbers(await TakeAsync(resumed, 2, cts.Token)));
    }

    [Fact]
    public async Task Replay_and_live_join_without_gap_or_duplicate_while_publishing_goes_on()
    {
        var bus = await CreateBusAsync();
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var watcher = await bus.SubscribeAsync(user, null, cts.Token);
        await PublishAsync(bus, user, 1, 2, 3);
        var resumeAfter = (await TakeAsync(watcher, 3, cts.Token))[^1].Id;

        var publishing = Task.Run(async () =>
        {
            for (var n = 4; n <= 400; n++)
            {
                await PublishAsync(bus, user, n);
            }
        });
        var resumed = await bus.SubscribeAsync(user, resumeAfter, cts.Token);
        await publishing;

        Assert.Equal(Enumerable.Range(4, 397), Numbers(await TakeAsync(resumed, 397, cts.Token)));
    }

    [Fact]
    public async Task An_id_that_cannot_be_resumed_from_gives_a_reset_first()
    {
        var bus = await CreateBusAsync();
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);

        var stream = await bus.SubscribeAsync(user, "not-an-id-of-this-bus", cts.Token);
        await PublishAsync(bus, user, 1);

        var events = await TakeAsync(stream, 2, cts.Token);
        Assert.IsType<StreamReset>(events[0].Event);
        Assert.Equal([1], Numbers(events[1..]));
    }

    [Fact]
    public async Task The_id_of_a_reset_resumes_from_where_the_reset_was()
    {
        var bus = await CreateBusAsync();
        var user = Guid.CreateVersion7();
        await PublishAsync(bus, user, 1);
        using var cts = new CancellationTokenSource(Wait);
        var reset = (await TakeAsync(await bus.SubscribeAsync(user, "bogus", cts.Token), 1, cts.Token))[0];
        await PublishAsync(bus, user, 2);

        var resumed = await bus.SubscribeAsync(user, reset.Id, cts.Token);

        Assert.Equal([2], Numbers(await TakeAsync(resumed, 1, cts.Token)));
    }

    [Fact]
    public async Task Events_older_than_the_retention_window_are_not_replayed_and_the_stream_resets()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var bus = await CreateBusAsync(TimeSpan.FromHours(1), 1000, time);
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var watcher = await bus.SubscribeAsync(user, null, cts.Token);
        await PublishAsync(bus, user, 1, 2);
        var first = (await TakeAsync(watcher, 2, cts.Token))[0].Id;

        time.Advance(TimeSpan.FromHours(2));
        await PublishAsync(bus, user, 3);
        var resumed = await bus.SubscribeAsync(user, first, cts.Token);

        var events = await TakeAsync(resumed, 1, cts.Token);
        Assert.IsType<StreamReset>(events[0].Event);
    }

    [Fact]
    public async Task A_subscriber_too_slow_to_keep_up_is_dropped_and_resumes_without_loss()
    {
        var bus = await CreateBusAsync(TimeSpan.FromHours(24), subscriberBuffer: 5, TimeProvider.System);
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var slow = await bus.SubscribeAsync(user, null, cts.Token);

        await PublishAsync(bus, user, [.. Enumerable.Range(1, 20)]);

        var got = new List<DeliveredEvent>();
        await foreach (var e in slow.WithCancellation(cts.Token))
        {
            got.Add(e);
        }

        Assert.InRange(got.Count, 1, 19);
        var resumed = await bus.SubscribeAsync(user, got[^1].Id, cts.Token);
        var rest = await TakeAsync(resumed, 20 - got.Count, cts.Token);
        Assert.Equal(Enumerable.Range(1, 20), Numbers([.. got, .. rest]));
    }

    [Fact]
    public async Task Every_recipient_of_one_publish_gets_it()
    {
        var bus = await CreateBusAsync();
        var users = Enumerable.Range(0, 5).Select(_ => Guid.CreateVersion7()).ToArray();
        using var cts = new CancellationTokenSource(Wait);
        var streams = new List<IAsyncEnumerable<DeliveredEvent>>();
        foreach (var user in users)
        {
            streams.Add(await bus.SubscribeAsync(user, null, cts.Token));
        }

        await bus.PublishAsync(Numbered(7), users, cts.Token);

        foreach (var stream in streams)
        {
            Assert.Equal([7], Numbers(await TakeAsync(stream, 1, cts.Token)));
        }
    }

    protected static ReactionChanged Numbered(int n) => new(Guid.Empty, Guid.Empty, Guid.Empty, "👍", true, n);

    protected static async Task PublishAsync(IEventBus bus, Guid user, params int[] numbers)
    {
        foreach (var n in numbers)
        {
            await bus.PublishAsync(Numbered(n), [user], CancellationToken.None);
        }
    }

    protected static List<int> Numbers(IEnumerable<DeliveredEvent> events) =>
        [.. events.Select(e => Assert.IsType<ReactionChanged>(e.Event).Count)];

    protected static async Task<List<DeliveredEvent>> TakeAsync(IAsyncEnumerable<DeliveredEvent> stream, int count, CancellationToken ct)
    {
        var taken = new List<DeliveredEvent>(count);
        if (count == 0)
        {
            return taken;
        }

        await foreach (var e in stream.WithCancellation(ct))
        {
            taken.Add(e);
            if (taken.Count == count)
            {
                break;
            }
        }

        Assert.Equal(count, taken.Count);
        return taken;
    }
}
