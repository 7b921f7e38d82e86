using PetitChat.Core.Calls;

namespace PetitChat.Contracts.Tests.Calls;

/// <summary>Every behaviour of <see cref="ICallStore"/>; each store adds a subclass that says how to build it.</summary>
public abstract class CallStoreContract
{
    private static readonly DateTimeOffset Now = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    protected abstract Task<ICallStore> CreateStoreAsync();

    [Fact]
    public async Task A_started_call_is_found_by_id_room_and_chat_and_a_second_start_returns_it()
    {
        var store = await CreateStoreAsync();
        var first = NewCall(Guid.CreateVersion7());

        var (stored, created) = await store.StartAsync(first, Ct);
        var (again, createdAgain) = await store.StartAsync(NewCall(first.ChatId), Ct);

        Assert.True(created);
        Assert.Equal(first, stored with { Participants = first.Participants });
        Assert.False(createdAgain);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal(first.Id, (await store.GetAsync(first.Id, Ct))?.Id);
        Assert.Equal(first.Id, (await store.GetByRoomAsync(first.Room, Ct))?.Id);
        Assert.Equal(first.Id, (await store.GetRunningAsync(first.ChatId, Ct))?.Id);
        var starter = Assert.Single((await store.GetAsync(first.Id, Ct))!.Participants);
        Assert.Equal((first.StartedBy, Now, (DateTimeOffset?)null), (starter.UserId, starter.JoinedAt, starter.LeftAt));
        Assert.Null(await store.GetAsync(Guid.CreateVersion7(), Ct));
        Assert.Null(await store.GetByRoomAsync("no-such-room-" + Guid.NewGuid().ToString("N"), Ct));
    }

    [Fact]
    public async Task Concurrent_starts_in_one_chat_create_exactly_one_call()
    {
        var store = await CreateStoreAsync();
        var chat = Guid.CreateVersion7();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.StartAsync(NewCall(chat), Ct))));

        var winner = Assert.Single(results, r => r.Created).Call.Id;
        Assert.All(results, r => Assert.Equal(winner, r.Call.Id));
        Assert.Equal(winner, (await store.GetRunningAsync(chat, Ct))?.Id);
    }

    [Fact]
    public async Task Joining_again_keeps_the_first_join_and_leaving_marks_the_participant_out()
    {
        var store = await CreateStoreAsync();
        var (call, _) = await store.StartAsync(NewCall(Guid.CreateVersion7()), Ct);
        var bob = Guid.CreateVersion7();

        var joined = await store.JoinAsync(call.Id, bob, Now.AddSeconds(5), Ct);
        var left = await store.LeaveAsync(call.Id, bob, Now.AddSeconds(9), Ct);
        var leftAgain = await store.LeaveAsync(call.Id, bob, Now.AddSeconds(10), Ct);
        var rejoined = await store.JoinAsync(call.Id, bob, Now.AddSeconds(12), Ct);

        Assert.True(joined!.Answered && joined.Version > call.Version);
        Assert.Equal(Now.AddSeconds(9), left!.Participants.Single(p => p.UserId == bob).LeftAt);
        Assert.Equal(left.Version, leftAgain!.Version);
        var bobIn = rejoined!.Participants.Single(p => p.UserId == bob);
        Assert.Equal((Now.AddSeconds(5), (DateTimeOffset?)null), (bobIn.JoinedAt, bobIn.LeftAt));
        Assert.True(rejoined.Occupied);
    }

    [Fact]
    public async Task Ending_happens_once_and_not_over_a_change_made_since_the_version_read()
    {
        var store = await CreateStoreAsync();
        var (call, _) = await store.StartAsync(NewCall(Guid.CreateVersion7()), Ct);
        var joined = await store.JoinAsync(call.Id, Guid.CreateVersion7(), Now.AddSeconds(1), Ct);

        Assert.Null(await store.EndAsync(call.Id, Now.AddSeconds(2), call.Version, Ct));
        var enders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => store.EndAsync(call.Id, Now.AddSeconds(3), joined!.Version, Ct))));

        var ended = Assert.Single(enders, e => e is not null)!;
        Assert.Equal(Now.AddSeconds(3), ended.EndedAt);
        Assert.All(ended.Participants, p => Assert.Equal(Now.AddSeconds(3), p.LeftAt));
        Assert.False(ended.Occupied);
        Assert.Null(await store.EndAsync(call.Id, Now.AddSeconds(4), null, Ct));
    }

    [Fact]
    public async Task An_ended_call_takes_no_joins_or_leaves_and_the_chat_can_start_a_new_one()
    {
        var store = await CreateStoreAsync();
        var (call, _) = await store.StartAsync(NewCall(Guid.CreateVersion7()), Ct);
        await store.EndAsync(call.Id, Now.AddSeconds(1), null, Ct);

        Assert.Null(await store.JoinAsync(call.Id, Guid.CreateVersion7(), Now.AddSeconds(2), Ct));
        Assert.Null(await store.LeaveAsync(call.Id, call.StartedBy, Now.AddSeconds(2), Ct));
        Assert.Null(await store.GetRunningAsync(call.ChatId, Ct));
        var (next, created) = await store.StartAsync(NewCall(call.ChatId), Ct);
        Assert.True(created);
        Assert.NotEqual(call.Id, next.Id);
        Assert.Equal(Now.AddSeconds(1), (await store.GetAsync(call.Id, Ct))?.EndedAt);
    }

    [Fact]
    public async Task Unanswered_lists_running_calls_that_nobody_but_the_starter_joined_by_start_time()
    {
        var store = await CreateStoreAsync();
        var start = Now.AddDays(-Random.Shared.Next(1, 10000));
        var (ringing, _) = await store.StartAsync(NewCall(Guid.CreateVersion7(), start), Ct);
        var (answered, _) = await store.StartAsync(NewCall(Guid.CreateVersion7(), start), Ct);
        var (ended, _) = await store.StartAsync(NewCall(Guid.CreateVersion7(), start), Ct);
        var (later, _) = await store.StartAsync(NewCall(Guid.CreateVersion7(), start.AddMinutes(5)), Ct);
        await store.JoinAsync(answered.Id, Guid.CreateVersion7(), start.AddSeconds(1), Ct);
        // The starter coming back does not answer the call.
        await store.JoinAsync(ringing.Id, ringing.StartedBy, start.AddSeconds(1), Ct);
        await store.EndAsync(ended.Id, start.AddSeconds(1), null, Ct);

        var due = (await store.GetUnansweredAsync(start.AddMinutes(1), 1000, Ct)).Select(c => c.Id).ToList();

        Assert.Contains(ringing.Id, due);
        Assert.DoesNotContain(answered.Id, due);
        Assert.DoesNotContain(ended.Id, due);
        Assert.DoesNotContain(later.Id, due);
    }

    private static Call NewCall(Guid chatId, DateTimeOffset? at = null)
    {
        var starter = Guid.CreateVersion7();
        var when = at ?? Now;
        return new Call(Guid.CreateVersion7(), chatId, "room-" + Guid.NewGuid().ToString("N"), CallMedia.Video, starter, when, EndedAt: null,
            [new CallParticipant(starter, when, LeftAt: null)], Version: 1);
    }
}
