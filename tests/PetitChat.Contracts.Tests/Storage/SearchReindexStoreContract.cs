using PetitChat.Core.Search;
using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The <see cref="ISearchReindexStore"/> contract (a reindex walks every stored signal into the
/// search outbox), run against each adapter by a subclass that only says how to build the store.
/// Each test has a store of its own: the run is one per store.
/// </summary>
public abstract class SearchReindexStoreContract : StoreContract
{
    private ISearchReindexStore Reindex => (ISearchReindexStore)Store;

    [Fact]
    public async Task Start_while_a_run_is_going_returns_that_run_and_after_it_finished_starts_anew()
    {
        Assert.Null(await Reindex.GetSearchReindexAsync(Ct));
        var first = await Reindex.StartSearchReindexAsync(Fresh(), Ct);

        var again = await Reindex.StartSearchReindexAsync(Fresh(), Ct);
        var finished = await Reindex.ContinueSearchReindexAsync(first, 100, Now(), Ct);
        var next = Fresh();
        var restarted = await Reindex.StartSearchReindexAsync(next, Ct);

        Assert.Equal(first, again);
        Assert.False(finished.Running);
        Assert.Equal(first.Id, finished.Id);
        Assert.Equal(next, restarted);
        Assert.Equal(next, await Reindex.GetSearchReindexAsync(Ct));
    }

    [Fact]
    public async Task Concurrent_starts_make_one_run()
    {
        var runs = await RaceAsync(8, _ => Reindex.StartSearchReindexAsync(Fresh(), Ct));

        Assert.Single(runs.Select(r => r.Id).Distinct());
    }

    [Fact]
    public async Task Walk_writes_a_job_for_every_message_with_text_or_attachments_in_batches_until_it_finishes()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var other = await NewDirectAsync(a, c);
        var wanted = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            wanted.Add((await SendAsync(i % 2 == 0 ? chat : other, a, $"message {i}")).Id);
        }

        wanted.Add((await Store.AppendSignalAsync(Message(chat, b, text: null) with { AttachmentIds = [Guid.NewGuid()] }, Ct)).Signal.Id);
        await Store.AddMemberAsync(chat.Id, c.Id, MembershipSignal(chat, SignalKind.MemberJoined, a, c), 10, Ct);
        // The send path's jobs are done: only the walk's jobs are left to claim.
        await DrainAsync();

        var run = await Reindex.StartSearchReindexAsync(Fresh(), Ct);
        var steps = 0;
        while (run.Running)
        {
            run = await Reindex.ContinueSearchReindexAsync(run, 3, Now(), Ct);
            Assert.Equal(run, await Reindex.GetSearchReindexAsync(Ct));
            steps++;
            Assert.True(steps < 20, "the walk does not end");
        }

        var jobs = await DrainAsync();
        Assert.Equal(wanted.Order(), jobs.Select(j => j.SignalId).Order());
        Assert.Equal(7, run.Scanned);
        Assert.Equal(6, run.Enqueued);
        Assert.True(steps >= 3, $"{steps} steps for 7 signals in batches of 3");
    }

    [Fact]
    public async Task Continue_of_a_run_that_is_no_longer_current_changes_nothing()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        await SendAsync(chat, a, "only one");
        await DrainAsync();
        var old = await Reindex.StartSearchReindexAsync(Fresh(), Ct);
        var done = await Reindex.ContinueSearchReindexAsync(old, 10, Now(), Ct);
        await DrainAsync();
        var current = await Reindex.StartSearchReindexAsync(Fresh(), Ct);

        var stale = await Reindex.ContinueSearchReindexAsync(done with { FinishedAt = null }, 10, Now(), Ct);

        Assert.Equal(done with { FinishedAt = null }, stale);
        Assert.Equal(current, await Reindex.GetSearchReindexAsync(Ct));
        Assert.Empty(await DrainAsync());
    }

    private SearchReindex Fresh()
    {
        var at = Now();
        return new SearchReindex(Guid.CreateVersion7(at), at, null, 0, 0, null);
    }

    /// <summary>Claims and completes every due job of this test's store, returning them.</summary>
    private async Task<List<SearchJob>> DrainAsync()
    {
        var all = new List<SearchJob>();
        var now = Now().AddMinutes(5);
        while (true)
        {
            var batch = await Store.ClaimSearchJobsAsync(100, now, now.AddMinutes(1), Ct);
            all.AddRange(batch);
            await Store.CompleteSearchJobsAsync([.. batch.Select(j => j.Id)], Ct);
            if (batch.Count == 0)
            {
                return all;
            }
        }
    }
}
