using Microsoft.Extensions.Options;
using PetitChat.Core.Events;
using PetitChat.Infrastructure.InProcess;

namespace PetitChat.Contracts.Tests.Events;

/// <summary>The in-process bus and ticket store stay within their memory bounds whatever the traffic.</summary>
public sealed class InProcessMemoryTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task The_bus_keeps_at_most_its_global_budget_of_events_and_an_id_dropped_from_it_resumes_with_a_reset()
    {
        var bus = new InProcessEventBus(Options.Create(new InProcessBusOptions { MaxEventsTotal = 100 }), TimeProvider.System);
        var users = Enumerable.Range(0, 10).Select(_ => Guid.CreateVersion7()).ToArray();
        using var cts = new CancellationTokenSource(Wait);
        var first = await bus.SubscribeAsync(users[0], null, cts.Token);
        await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [users[0]], cts.Token);
        var firstId = await FirstIdAsync(first, cts.Token);

        for (var i = 0; i < 1_000; i++)
        {
            await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [users[i % users.Length]], cts.Token);
        }

        Assert.InRange(bus.KeptEvents, 1, 100);
        var resumed = await bus.SubscribeAsync(users[0], firstId, cts.Token);
        await using var events = resumed.GetAsyncEnumerator(cts.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.IsType<StreamReset>(events.Current.Event);
    }

    [Fact]
    public async Task The_bus_forgets_users_with_nothing_to_replay_and_no_open_stream()
    {
        var (time, bus) = SweepingBus();
        using var cts = new CancellationTokenSource(Wait);
        var listening = Guid.CreateVersion7();
        var stream = await bus.SubscribeAsync(listening, null, cts.Token);
        await using var open = stream.GetAsyncEnumerator(cts.Token);
        for (var i = 0; i < 50; i++)
        {
            await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [Guid.CreateVersion7()], cts.Token);
        }

        Assert.Equal(51, bus.TrackedUsers);

        time.Advance(TimeSpan.FromMinutes(6));
        var lastUser = Guid.CreateVersion7();
        await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [lastUser], cts.Token);

        // Left: the user with an open stream, and the one who just got an event.
        Assert.Equal(2, bus.TrackedUsers);
    }

    [Fact]
    public async Task A_stream_that_ends_before_reading_anything_lets_go_of_its_user()
    {
        // A stream whose opening lines fail (the client went away) disposes its enumerator
        // without reading from it: the user must still be forgotten, not held as subscribed.
        var (time, bus) = SweepingBus();
        using var cts = new CancellationTokenSource(Wait);
        var stream = await bus.SubscribeAsync(Guid.CreateVersion7(), null, cts.Token);
        await stream.GetAsyncEnumerator(cts.Token).DisposeAsync();

        time.Advance(TimeSpan.FromMinutes(2));
        var other = Guid.CreateVersion7();
        await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [other], cts.Token);

        Assert.Equal(1, bus.TrackedUsers);
    }

    [Fact]
    public async Task A_waiting_stream_ends_when_its_token_is_cancelled_and_lets_go_of_its_user()
    {
        var (time, bus) = SweepingBus();
        using var timeout = new CancellationTokenSource(Wait);
        using var life = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var stream = await bus.SubscribeAsync(Guid.CreateVersion7(), null, life.Token);
        await using (var events = stream.GetAsyncEnumerator(life.Token))
        {
            var waiting = events.MoveNextAsync().AsTask();
            Assert.False(waiting.IsCompleted);
            await life.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Wait));
        }

        time.Advance(TimeSpan.FromMinutes(2));
        await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [Guid.CreateVersion7()], timeout.Token);

        Assert.Equal(1, bus.TrackedUsers);
    }

    [Fact]
    public async Task A_forgotten_user_resuming_from_an_old_id_gets_a_reset_not_a_gap()
    {
        var (time, bus) = SweepingBus();
        var user = Guid.CreateVersion7();
        using var cts = new CancellationTokenSource(Wait);
        var id = await ListenOnceAsync(bus, user, cts.Token);
        await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [user], cts.Token);

        time.Advance(TimeSpan.FromMinutes(6));
        await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [Guid.CreateVersion7()], cts.Token);
        await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [user], cts.Token);
        var resumed = await bus.SubscribeAsync(user, id, cts.Token);
        await using var events = resumed.GetAsyncEnumerator(cts.Token);

        Assert.True(await events.MoveNextAsync());
        Assert.IsType<StreamReset>(events.Current.Event);
    }

    [Fact]
    public async Task Expired_tickets_are_forgotten_when_the_next_one_is_issued()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var store = new InProcessTicketStore(time);
        for (var i = 0; i < 1_000; i++)
        {
            await store.PutAsync($"t{i}", new StoredTicket(Guid.CreateVersion7(), time.GetUtcNow() + TimeSpan.FromSeconds(30), null), CancellationToken.None);
        }

        time.Advance(TimeSpan.FromSeconds(31));
        await store.PutAsync("fresh", new StoredTicket(Guid.CreateVersion7(), time.GetUtcNow() + TimeSpan.FromSeconds(30), null), CancellationToken.None);

        Assert.Equal(1, store.Count);
        Assert.NotNull(await store.TakeAsync("fresh", CancellationToken.None));
    }

    /// <summary>A bus on a manual clock that keeps events 5 minutes and forgets idle users every minute.</summary>
    private static (ManualTime Time, InProcessEventBus Bus) SweepingBus()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        return (time, new InProcessEventBus(Options.Create(new InProcessBusOptions { Retention = TimeSpan.FromMinutes(5), IdleSweepInterval = TimeSpan.FromMinutes(1) }), time));
    }

    private static async Task<string> ListenOnceAsync(InProcessEventBus bus, Guid user, CancellationToken ct)
    {
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stream = await bus.SubscribeAsync(user, null, listening.Token);
        await bus.PublishAsync(new ChatChanged(Guid.CreateVersion7(), false), [user], ct);
        var id = await FirstIdAsync(stream, listening.Token);
        await listening.CancelAsync();
        return id;
    }

    private static async Task<string> FirstIdAsync(IAsyncEnumerable<DeliveredEvent> stream, CancellationToken ct)
    {
        await using var events = stream.GetAsyncEnumerator(ct);
        Assert.True(await events.MoveNextAsync());
        return events.Current.Id!;
    }
}
