using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

public abstract partial class SignalStoreContract
{
    [Fact]
    public async Task AddReaction_adds_it_and_counts_it_on_the_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var signal = await SendAsync(chat, a);
        var reaction = ReactionOf(signal, b, "👍");

        Assert.True(await Signals.AddReactionAsync(reaction, chat.Id, Ct));

        Assert.Equal([reaction], await Signals.GetReactionsAsync(chat.Id, signal.Id, Ct));
        Assert.Equal("👍1", Counts((await Signals.GetSignalAsync(chat.Id, signal.Id, Ct))!));
    }

    [Fact]
    public async Task AddReaction_again_changes_nothing()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var signal = await SendAsync(chat, a);
        var first = ReactionOf(signal, b, "👍");
        await Signals.AddReactionAsync(first, chat.Id, Ct);

        Assert.False(await Signals.AddReactionAsync(ReactionOf(signal, b, "👍"), chat.Id, Ct));

        Assert.Equal([first], await Signals.GetReactionsAsync(chat.Id, signal.Id, Ct));
        Assert.Equal("👍1", Counts((await Signals.GetSignalAsync(chat.Id, signal.Id, Ct))!));
    }

    [Fact]
    public async Task RemoveReaction_removes_it_and_its_count()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var signal = await SendAsync(chat, a);
        await Signals.AddReactionAsync(ReactionOf(signal, a, "🎉"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(signal, b, "🎉"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(signal, b, "👀"), chat.Id, Ct);

        Assert.True(await Signals.RemoveReactionAsync(chat.Id, signal.Id, b.Id, "👀", Ct));
        Assert.True(await Signals.RemoveReactionAsync(chat.Id, signal.Id, b.Id, "🎉", Ct));

        Assert.Equal([(a.Id, "🎉")], (await Signals.GetReactionsAsync(chat.Id, signal.Id, Ct)).Select(r => (r.UserId, r.Emoji)));
        Assert.Equal("🎉1", Counts((await Signals.GetSignalAsync(chat.Id, signal.Id, Ct))!));
    }

    [Fact]
    public async Task RemoveReaction_of_a_missing_reaction_changes_nothing()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var signal = await SendAsync(chat, a);
        await Signals.AddReactionAsync(ReactionOf(signal, a, "👍"), chat.Id, Ct);

        Assert.False(await Signals.RemoveReactionAsync(chat.Id, signal.Id, b.Id, "👍", Ct));
        Assert.True(await Signals.RemoveReactionAsync(chat.Id, signal.Id, a.Id, "👍", Ct));
        Assert.False(await Signals.RemoveReactionAsync(chat.Id, signal.Id, a.Id, "👍", Ct));

        Assert.Empty(await Signals.GetReactionsAsync(chat.Id, signal.Id, Ct));
        Assert.Empty((await Signals.GetSignalAsync(chat.Id, signal.Id, Ct))!.Reactions);
    }

    [Fact]
    public async Task Reaction_counts_list_each_emoji_in_the_order_it_was_first_used()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b, c);
        var signal = await SendAsync(chat, a);
        await Signals.AddReactionAsync(ReactionOf(signal, a, "😂"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(signal, b, "👍"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(signal, c, "👍"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(signal, b, "❤️"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(signal, c, "😂"), chat.Id, Ct);

        Assert.Equal("😂2 👍2 ❤️1", Counts((await Signals.GetSignalAsync(chat.Id, signal.Id, Ct))!));
    }

    [Fact]
    public async Task GetReactions_lists_every_reaction_oldest_first()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var signal = await SendAsync(chat, a);
        var reactions = new[] { ReactionOf(signal, b, "👍"), ReactionOf(signal, a, "👍"), ReactionOf(signal, b, "🎉") };
        foreach (var reaction in reactions)
        {
            await Signals.AddReactionAsync(reaction, chat.Id, Ct);
        }

        Assert.Equal(reactions, await Signals.GetReactionsAsync(chat.Id, signal.Id, Ct));
    }

    [Fact]
    public async Task Reaction_counts_equal_the_reactions_after_parallel_adds_and_removes()
    {
        var users = new List<Core.Users.User>();
        for (var i = 0; i < 5; i++)
        {
            users.Add(await NewUserAsync());
        }

        var chat = await NewGroupAsync([.. users]);
        var signal = await SendAsync(chat, users[0]);
        string[] emojis = ["👍", "🎉", "👀"];

        await RaceAsync(50, async task =>
        {
            var random = new Random(task);
            for (var i = 0; i < 10; i++)
            {
                var user = users[random.Next(users.Count)];
                var emoji = emojis[random.Next(emojis.Length)];
                if (random.Next(3) == 0)
                {
                    await Signals.RemoveReactionAsync(chat.Id, signal.Id, user.Id, emoji, Ct);
                }
                else
                {
                    await Signals.AddReactionAsync(ReactionOf(signal, user, emoji), chat.Id, Ct);
                }
            }

            return task;
        });

        var rows = await Signals.GetReactionsAsync(chat.Id, signal.Id, Ct);
        var counted = (await Signals.GetSignalAsync(chat.Id, signal.Id, Ct))!.Reactions;
        Assert.Equal(
            rows.GroupBy(r => r.Emoji).Select(g => (g.Key, g.Count())).Order(),
            counted.Select(c => (c.Emoji, c.Count)).Order());
        Assert.All(counted, c => Assert.True(c.Count > 0));
        Assert.Equal(rows.Count, rows.Select(r => (r.UserId, r.Emoji)).Distinct().Count());
    }

    [Fact]
    public async Task GetUserReactions_returns_only_that_user_reactions_to_the_given_signals()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var (s1, s2, s3) = (await SendAsync(chat, a), await SendAsync(chat, a), await SendAsync(chat, b));
        var thumbs = ReactionOf(s1, a, "👍");
        var party = ReactionOf(s1, a, "🎉");
        await Signals.AddReactionAsync(thumbs, chat.Id, Ct);
        await Signals.AddReactionAsync(party, chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(s2, a, "👍"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(s1, b, "👀"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(s3, b, "👀"), chat.Id, Ct);

        var mine = await Signals.GetUserReactionsAsync(chat.Id, a.Id, [s1.Id, s3.Id], Ct);

        Assert.Equal(new[] { thumbs, party }.OrderBy(r => r.Emoji, StringComparer.Ordinal), mine.OrderBy(r => r.Emoji, StringComparer.Ordinal));
        Assert.Empty(await Signals.GetUserReactionsAsync(chat.Id, a.Id, [], Ct));
    }

    [Fact]
    public async Task GetSignals_carries_the_reaction_counts_of_each_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);
        var (s1, s2) = (await SendAsync(chat, a), await SendAsync(chat, b));
        await Signals.AddReactionAsync(ReactionOf(s1, b, "👍"), chat.Id, Ct);
        await Signals.AddReactionAsync(ReactionOf(s1, a, "👍"), chat.Id, Ct);

        var page = await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, null, 10), Ct);

        Assert.Equal([s2.Id, s1.Id], Ids(page));
        Assert.Equal(["", "👍2"], page.Select(Counts));
    }
}
