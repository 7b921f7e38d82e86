using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

public abstract partial class SignalStoreContract
{
    [Fact]
    public async Task GetSignalsById_returns_the_chats_signals_among_the_ids_with_their_reactions()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var other = await NewGroupAsync(a, b);
        var sent = await SendManyAsync(chat, a, 3);
        var elsewhere = await SendAsync(other, a);
        await Signals.AddReactionAsync(ReactionOf(sent[0], b, "👍"), chat.Id, Ct);

        var found = await Signals.GetSignalsByIdAsync(chat.Id, [sent[0].Id, sent[2].Id, elsewhere.Id, Guid.CreateVersion7()], Ct);

        Assert.Equal(new[] { sent[0].Id, sent[2].Id }.Order(), found.Select(s => s.Id).Order());
        Assert.Equal("👍1", Counts(found.Single(s => s.Id == sent[0].Id)));
        Assert.Empty(await Signals.GetSignalsByIdAsync(chat.Id, [], Ct));
    }

    [Fact]
    public async Task GetSignalsAfter_gives_each_chat_the_slice_GetSignals_gives()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var (first, second, quiet) = (await NewGroupAsync(a, b), await NewGroupAsync(a, b), await NewGroupAsync(a, b));
        var inFirst = await SendManyAsync(first, a, 5);
        var inSecond = await SendManyAsync(second, b, 4);
        await Signals.AddReactionAsync(ReactionOf(inFirst[3], b, "🎉"), first.Id, Ct);

        var slices = await Signals.GetSignalsAfterAsync(
            new Dictionary<Guid, Guid?> { [first.Id] = inFirst[1].Id, [second.Id] = null, [quiet.Id] = null }, 3, Ct);

        Assert.Equal(3, slices.Count);
        foreach (var (chat, after) in new[] { (first, (Guid?)inFirst[1].Id), (second, null), (quiet, null) })
        {
            var expected = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, after, 3), Ct);
            Assert.Equal(Ids(expected), Ids(slices[chat.Id]));
            Assert.Equal(expected.Select(Counts), slices[chat.Id].Select(Counts));
        }

        Assert.Equal([inFirst[4].Id, inFirst[3].Id, inFirst[2].Id], Ids(slices[first.Id]));
        Assert.Equal([inSecond[3].Id, inSecond[2].Id, inSecond[1].Id], Ids(slices[second.Id]));
        Assert.Empty(slices[quiet.Id]);
    }
}
