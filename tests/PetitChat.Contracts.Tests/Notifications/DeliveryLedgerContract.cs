using PetitChat.Core.Common;
using PetitChat.Core.Notifications;

namespace PetitChat.Contracts.Tests.Notifications;

/// <summary>
/// Every behaviour of <see cref="IDeliveryLedger"/>'s push marks and claims (decision 20), seen by two
/// workers; each ledger adds a subclass that says how to build two clients of one ledger.
/// </summary>
public abstract class DeliveryLedgerContract
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 4, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>Two workers' clients of one ledger.</summary>
    protected abstract Task<(IDeliveryLedger First, IDeliveryLedger Second)> CreateLedgersAsync();

    [Fact]
    public async Task A_push_mark_one_worker_moves_is_seen_by_another_and_never_moves_back()
    {
        var (a, b) = await CreateLedgersAsync();
        var (user, chat) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        // Ids strictly in order, as the server assigns them (CreateVersion7 is random within a millisecond).
        var ids = new Ids(TimeProvider.System);
        var (older, newer) = (ids.Next(), ids.Next());

        Assert.Null(await b.GetCoveredAsync(user, chat, CancellationToken.None));
        await a.ChangeMarkAsync(user, chat, m => m.Committed(newer, "job-2"), CancellationToken.None);
        await b.ChangeMarkAsync(user, chat, m => m.Committed(older, "job-1"), CancellationToken.None);

        Assert.Equal(newer, await b.GetCoveredAsync(user, chat, CancellationToken.None));
        Assert.Null(await a.GetCoveredAsync(user, Guid.CreateVersion7(), CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_one_job_holds_keeps_another_jobs_claim_out_until_it_is_committed()
    {
        var (a, b) = await CreateLedgersAsync();
        var (user, chat) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var ids = new Ids(TimeProvider.System);
        var (first, second) = (ids.Next(), ids.Next());
        var held = new PushClaim("job-1", 1, first, Now + Lease);
        var wanted = new PushClaim("job-2", 1, second, Now.AddSeconds(1) + Lease);

        Assert.Equal(held, (await a.ChangeMarkAsync(user, chat, m => m.Claimed(held, Now), CancellationToken.None)).Claim);
        var refused = await b.ChangeMarkAsync(user, chat, m => m.Claimed(wanted, Now.AddSeconds(1)), CancellationToken.None);
        var committed = await a.ChangeMarkAsync(user, chat, m => m.Committed(first, "job-1"), CancellationToken.None);
        var taken = await b.ChangeMarkAsync(user, chat, m => m.Claimed(wanted, Now.AddSeconds(2)), CancellationToken.None);

        Assert.Equal(new PushMark(null, held), refused);
        Assert.Equal(new PushMark(first, null), committed);
        Assert.Equal(new PushMark(first, wanted), taken);
        Assert.Equal(first, await b.GetCoveredAsync(user, chat, CancellationToken.None));
    }

    [Fact]
    public async Task A_claim_past_its_lease_is_taken_over_from_the_committed_mark()
    {
        var (a, b) = await CreateLedgersAsync();
        var (user, chat) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var ids = new Ids(TimeProvider.System);
        var (pushed, dead, next) = (ids.Next(), ids.Next(), ids.Next());
        await a.ChangeMarkAsync(user, chat, m => m.Committed(pushed, "job-0"), CancellationToken.None);
        // Its worker died after claiming: nothing commits or releases it.
        await a.ChangeMarkAsync(user, chat, m => m.Claimed(new PushClaim("job-1", 1, dead, Now + Lease), Now), CancellationToken.None);
        var takeover = new PushClaim("job-2", 1, next, Now + Lease + Lease);

        var taken = await b.ChangeMarkAsync(user, chat, m => m.Claimed(takeover, Now + Lease), CancellationToken.None);

        Assert.Equal(new PushMark(pushed, takeover), taken);
    }

    [Fact]
    public async Task A_claim_handed_back_on_a_retry_goes_to_the_jobs_next_delivery_and_a_live_earlier_delivery_keeps_it_from_a_later_one()
    {
        var (a, b) = await CreateLedgersAsync();
        var (user, chat) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var message = Guid.CreateVersion7();
        var firstDelivery = new PushClaim("job-1", 1, message, Now + Lease);
        var secondDelivery = firstDelivery with { Attempt = 2, Until = Now.AddSeconds(5) + Lease };
        await a.ChangeMarkAsync(user, chat, m => m.Claimed(firstDelivery, Now), CancellationToken.None);

        // The same job handed out again while its first delivery is paused, not dead: it waits.
        var whilePaused = await b.ChangeMarkAsync(user, chat, m => m.Claimed(secondDelivery, Now.AddSeconds(5)), CancellationToken.None);
        await a.ChangeMarkAsync(user, chat, m => m.HandedBack("job-1", 1), CancellationToken.None);
        var otherJob = await b.ChangeMarkAsync(user, chat, m => m.Claimed(new PushClaim("job-2", 1, Guid.CreateVersion7(), Now.AddSeconds(5) + Lease), Now.AddSeconds(5)),
            CancellationToken.None);
        var retried = await b.ChangeMarkAsync(user, chat, m => m.Claimed(secondDelivery, Now.AddSeconds(5)), CancellationToken.None);
        var released = await b.ChangeMarkAsync(user, chat, m => m.Released("job-1"), CancellationToken.None);

        Assert.Equal(firstDelivery, whilePaused.Claim);
        Assert.Equal(firstDelivery with { Attempt = 0 }, otherJob.Claim);
        Assert.Equal(secondDelivery, retried.Claim);
        Assert.Equal(PushMark.None, released);
    }

    [Fact]
    public async Task A_change_that_does_not_apply_writes_nothing_and_answers_the_stored_mark()
    {
        var (a, b) = await CreateLedgersAsync();
        var (user, chat) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        var claim = new PushClaim("job-1", 3, Guid.CreateVersion7(), Now + Lease);
        await a.ChangeMarkAsync(user, chat, m => m.Claimed(claim, Now), CancellationToken.None);

        Assert.Equal(new PushMark(null, claim), await b.ChangeMarkAsync(user, chat, m => m.Released("job-9"), CancellationToken.None));
        Assert.Equal(PushMark.None, await b.ChangeMarkAsync(Guid.CreateVersion7(), chat, m => m.HandedBack("job-1", 3), CancellationToken.None));
    }
}
