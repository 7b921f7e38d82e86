using PetitChat.Core.Chats;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The <see cref="ISearchJobStore"/> contract (search jobs), run against each adapter by a subclass that
/// only says how to build the store. Setup goes through the other ports of the same store.
/// </summary>
public abstract class SearchJobStoreContract : StoreContract
{
    protected ISearchJobStore SearchJobs => Store;

    [Fact]
    public async Task Append_of_a_message_records_a_search_job_for_it()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var message = await SendAsync(chat, a, "searchable words");

        var job = Assert.Single(await ClaimMineAsync(chat, Now()));

        Assert.Equal((chat.Id, message.Id, 1), (job.ChatId, job.SignalId, job.Attempts));
    }

    [Fact]
    public async Task Append_with_a_repeated_client_id_records_no_second_job()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        await Store.AppendSignalAsync(Message(chat, a, "hello", "same"), Ct);
        await Store.AppendSignalAsync(Message(chat, a, "hello again", "same"), Ct);

        Assert.Single(await ClaimMineAsync(chat, Now()));
    }

    [Fact]
    public async Task Signals_without_text_record_no_search_job()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        await Store.AddMemberAsync(chat.Id, c.Id, MembershipSignal(chat, SignalKind.MemberJoined, a, c), 10, Ct);
        var at = Now();
        await Store.AppendSignalAsync(new Signal(Guid.CreateVersion7(at), chat.Id, SignalKind.CallEnded, a.Id, null, null, at, null, null, []), Ct);

        Assert.Empty(await ClaimMineAsync(chat, Now()));
    }

    [Fact]
    public async Task Append_of_a_message_with_only_attachments_records_a_search_job_for_has_file()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var message = (await Store.AppendSignalAsync(Message(chat, a, text: null) with { AttachmentIds = [Guid.NewGuid()] }, Ct)).Signal;

        var job = Assert.Single(await ClaimMineAsync(chat, Now()));

        Assert.Equal((chat.Id, message.Id), (job.ChatId, job.SignalId));
    }

    [Fact]
    public async Task A_message_edited_and_deleted_before_indexing_has_all_three_jobs_claimed_in_one_batch()
    {
        // Several jobs naming one signal in a batch: the Scylla claim once asked the store for that
        // signal twice in one BatchGetItem, which the engine refuses, and the claimed batch then
        // waited out its one-minute lease.
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var message = await SendAsync(chat, a, "first words");
        await Store.EditSignalAsync(chat.Id, message.Id, "second words", [], Now(), Ct);
        await Store.DeleteSignalAsync(chat.Id, message.Id, Now(), Ct);

        var jobs = await ClaimMineAsync(chat, Now());

        Assert.Equal(3, jobs.Select(j => j.Id).Distinct().Count());
        Assert.All(jobs, job => Assert.Equal(message.Id, job.SignalId));
    }

    [Fact]
    public async Task Claimed_jobs_are_hidden_until_their_lease_ends()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        await SendAsync(chat, a, "one");
        var now = Now();

        var first = Assert.Single(await ClaimMineAsync(chat, now, now.AddMinutes(1)));
        Assert.Empty(await ClaimMineAsync(chat, now.AddSeconds(59), now.AddMinutes(2)));
        var again = Assert.Single(await ClaimMineAsync(chat, now.AddMinutes(1), now.AddMinutes(3)));

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(2, again.Attempts);
    }

    [Fact]
    public async Task Jobs_are_claimed_earliest_first_within_the_limit()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var sent = new List<Signal>();
        for (var i = 0; i < 5; i++)
        {
            sent.Add(await SendAsync(chat, a, $"message {i}"));
        }

        var claimed = await ClaimMineAsync(chat, Now());

        Assert.Equal(Ids(sent), [.. claimed.Select(j => j.SignalId)]);
    }

    [Fact]
    public async Task Claim_takes_at_most_the_limit_and_leaves_the_rest_due()
    {
        var store = Store;
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        for (var i = 0; i < 3; i++)
        {
            await SendAsync(chat, a, $"message {i}");
        }

        var now = Now();
        var batch = await store.ClaimSearchJobsAsync(2, now, now.AddMinutes(1), Ct);

        Assert.Equal(2, batch.Count);
        Assert.Equal(3 - batch.Count(j => j.ChatId == chat.Id), (await ClaimMineAsync(chat, now)).Count);
    }

    [Fact]
    public async Task Completed_jobs_are_gone_and_unknown_ids_are_ignored()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        await SendAsync(chat, a, "done soon");
        var now = Now();
        var job = Assert.Single(await ClaimMineAsync(chat, now, now.AddSeconds(1)));

        await SearchJobs.CompleteSearchJobsAsync([job.Id, Guid.NewGuid()], Ct);

        Assert.Empty(await ClaimMineAsync(chat, now.AddMinutes(5)));
    }

    [Fact]
    public async Task Retried_jobs_come_due_at_the_given_time_with_their_attempts()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        await SendAsync(chat, a, "retry me");
        var now = Now();
        var job = Assert.Single(await ClaimMineAsync(chat, now, now.AddMinutes(10)));

        await SearchJobs.RetrySearchJobsAsync([job.Id, Guid.NewGuid()], now.AddSeconds(4), Ct);

        Assert.Empty(await ClaimMineAsync(chat, now.AddSeconds(3)));
        var retried = Assert.Single(await ClaimMineAsync(chat, now.AddSeconds(4)));
        Assert.Equal((job.Id, 2), (retried.Id, retried.Attempts));
    }

    /// <summary>
    /// Claims every due job (a shared store may hold other tests' jobs) and keeps this chat's, in
    /// claim order. The others become due again after a one-second lease.
    /// </summary>
    private async Task<List<SearchJob>> ClaimMineAsync(Chat chat, DateTimeOffset now, DateTimeOffset? leaseUntil = null)
    {
        var mine = new List<SearchJob>();
        while (true)
        {
            var batch = await SearchJobs.ClaimSearchJobsAsync(100, now, leaseUntil ?? now.AddSeconds(1), Ct);
            mine.AddRange(batch.Where(j => j.ChatId == chat.Id));
            if (batch.Count < 100)
            {
                return mine;
            }
        }
    }
}
