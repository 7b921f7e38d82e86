using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

public abstract partial class SignalStoreContract
{
    [Fact]
    public async Task Reply_and_mentions_are_stored_with_the_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var original = await SendAsync(chat, b, "question");

        var reply = Message(chat, a, "@b answer") with { ReplyToId = original.Id, Mentions = [b.Id] };
        await Signals.AppendSignalAsync(reply, Ct);

        var stored = await Signals.GetSignalAsync(chat.Id, reply.Id, Ct);
        Assert.Equal(original.Id, stored!.ReplyToId);
        Assert.Equal([b.Id], stored.Mentions);
        Assert.Null(stored.EditedAt);
        Assert.Null(stored.DeletedAt);
    }

    [Fact]
    public async Task Edit_replaces_text_and_mentions_and_sets_edited_at()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var signal = await SendAsync(chat, a, "frist");
        await Signals.AddReactionAsync(ReactionOf(signal, b, "👍"), chat.Id, Ct);
        var at = Now();

        var edited = await Signals.EditSignalAsync(chat.Id, signal.Id, "first @b", [b.Id], at, Ct);

        Assert.NotNull(edited);
        Assert.Equal("first @b", edited.Text);
        Assert.Equal(at, edited.EditedAt);
        Assert.Equal([b.Id], edited.Mentions);
        Assert.Equal("👍1", Counts(edited));
        var stored = await Signals.GetSignalAsync(chat.Id, signal.Id, Ct);
        Assert.Equal(("first @b", at), (stored!.Text, stored.EditedAt));
        Assert.Equal(signal.CreatedAt, stored.CreatedAt);
    }

    [Fact]
    public async Task Delete_leaves_a_tombstone_without_text_attachments_or_reactions()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var files = new[] { Guid.CreateVersion7(), Guid.CreateVersion7() };
        var signal = (await Signals.AppendSignalAsync(Message(chat, a, "oops @b") with { AttachmentIds = files, Mentions = [b.Id] }, Ct)).Signal;
        await Signals.AddReactionAsync(ReactionOf(signal, b, "👍"), chat.Id, Ct);
        var at = Now();

        var deletion = await Signals.DeleteSignalAsync(chat.Id, signal.Id, at, Ct);

        Assert.NotNull(deletion);
        Assert.True(deletion.Deleted);
        Assert.Equal(files, deletion.FormerAttachmentIds);
        var stored = await Signals.GetSignalAsync(chat.Id, signal.Id, Ct);
        Assert.Equal(at, stored!.DeletedAt);
        Assert.Null(stored.Text);
        Assert.Empty(stored.AttachmentIds);
        Assert.Empty(stored.Mentions);
        Assert.Empty(stored.Reactions);
        Assert.Empty(await Signals.GetReactionsAsync(chat.Id, signal.Id, Ct));
        // Still in the timeline, in its place.
        Assert.Contains(signal.Id, Ids(await TimelineAsync(chat)));
    }

    [Fact]
    public async Task Delete_twice_changes_nothing_the_second_time_and_a_tombstone_cannot_be_edited()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var signal = await SendAsync(chat, a, "bye");
        var first = Now();
        await Signals.DeleteSignalAsync(chat.Id, signal.Id, first, Ct);

        var again = await Signals.DeleteSignalAsync(chat.Id, signal.Id, Now(), Ct);
        var edited = await Signals.EditSignalAsync(chat.Id, signal.Id, "back", [], Now(), Ct);

        Assert.False(again!.Deleted);
        Assert.Equal(first, again.Tombstone.DeletedAt);
        Assert.Null(edited);
        Assert.Null((await Signals.GetSignalAsync(chat.Id, signal.Id, Ct))!.Text);
        Assert.Null(await Signals.DeleteSignalAsync(chat.Id, Guid.CreateVersion7(), Now(), Ct));
        Assert.Null(await Signals.EditSignalAsync(chat.Id, Guid.CreateVersion7(), "x", [], Now(), Ct));
    }

    [Fact]
    public async Task Edit_and_delete_each_queue_a_search_job_for_the_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var signal = await SendAsync(chat, a, "hello");
        await DrainJobsAsync();

        await Signals.EditSignalAsync(chat.Id, signal.Id, "hello again", [], Now(), Ct);
        Assert.Contains(signal.Id, await DrainJobsAsync());

        await Signals.DeleteSignalAsync(chat.Id, signal.Id, Now(), Ct);
        Assert.Contains(signal.Id, await DrainJobsAsync());
    }

    /// <summary>Claims and completes every due job (this test's store is its own); the signals they name.</summary>
    private async Task<List<Guid>> DrainJobsAsync()
    {
        var signals = new List<Guid>();
        var until = DateTimeOffset.UtcNow.AddMinutes(5);
        for (var round = 0; round < 10; round++)
        {
            var jobs = await Store.ClaimSearchJobsAsync(100, until, until.AddMinutes(1), Ct);
            if (jobs.Count == 0)
            {
                break;
            }

            signals.AddRange(jobs.Select(j => j.SignalId));
            await Store.CompleteSearchJobsAsync([.. jobs.Select(j => j.Id)], Ct);
        }

        return signals;
    }
}
