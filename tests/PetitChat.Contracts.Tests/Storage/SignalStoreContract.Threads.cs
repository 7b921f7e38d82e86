using PetitChat.Core.Chats;
using PetitChat.Core.Signals;
using PetitChat.Core.Threads;
using PetitChat.Core.Users;

namespace PetitChat.Contracts.Tests.Storage;

public abstract partial class SignalStoreContract
{
    private Signal ThreadReply(Signal root, Chat chat, User sender, string text = "in thread", string? clientId = null) =>
        Message(chat, sender, text, clientId) with { ThreadId = root.Id };

    [Fact]
    public async Task Thread_replies_stay_out_of_the_main_timeline_and_its_unread_count()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var root = await SendAsync(chat, a, "root");
        var reply = (await Signals.AppendSignalAsync(ThreadReply(root, chat, b), Ct)).Signal;
        var after = await SendAsync(chat, a, "after");

        Assert.Equal([after.Id, root.Id], Ids(await TimelineAsync(chat)));
        Assert.Equal([after.Id], Ids(await Signals.GetSignalsAsync(chat.Id, new TimelineQuery(null, root.Id, 10), Ct)));
        Assert.Equal(root.Id, reply.ThreadId);
        Assert.Equal(root.Id, (await Signals.GetSignalAsync(chat.Id, reply.Id, Ct))!.ThreadId);
        var summary = (await Store.GetChatSummaryAsync(chat.Id, a.Id, Ct))!;
        Assert.Equal(after.Id, summary.LastSignal!.Id);
        // a's own messages are read; b's thread reply does not count as unread in the chat.
        Assert.Equal(0, summary.UnreadCount);
    }

    [Fact]
    public async Task Thread_root_carries_count_newest_time_and_participants()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b, c);
        var root = await SendAsync(chat, a, "root");
        Assert.Null(root.Thread);

        await Signals.AppendSignalAsync(ThreadReply(root, chat, b), Ct);
        await Signals.AppendSignalAsync(ThreadReply(root, chat, a), Ct);
        var last = ThreadReply(root, chat, c);
        await Signals.AppendSignalAsync(last, Ct);

        var thread = (await Signals.GetSignalAsync(chat.Id, root.Id, Ct))!.Thread;
        Assert.NotNull(thread);
        Assert.Equal(3, thread.ReplyCount);
        Assert.Equal(last.CreatedAt, thread.LastReplyAt);
        Assert.Equal(a.Id, thread.ParticipantIds[0]);
        Assert.Equal(new[] { a.Id, b.Id, c.Id }.Order(), thread.ParticipantIds.Order());
    }

    [Fact]
    public async Task Concurrent_thread_replies_all_count_on_the_root()
    {
        var users = new List<User>();
        for (var i = 0; i < 4; i++)
        {
            users.Add(await NewUserAsync());
        }

        var chat = await NewGroupAsync([.. users]);
        var root = await SendAsync(chat, users[0], "root");

        var results = await RaceAsync(12, i => Signals.AppendSignalAsync(ThreadReply(root, chat, users[i % users.Count], $"reply {i}"), Ct));

        Assert.All(results, r => Assert.True(r.Created));
        var thread = (await Signals.GetSignalAsync(chat.Id, root.Id, Ct))!.Thread!;
        Assert.Equal(12, thread.ReplyCount);
        Assert.Equal(results.Max(r => r.Signal.CreatedAt), thread.LastReplyAt);
        Assert.Equal(users.Select(u => u.Id).Order(), thread.ParticipantIds.Order());
        Assert.Equal(12, (await Signals.GetThreadAsync(chat.Id, root.Id, new TimelineQuery(null, null, 100), Ct)).Count);
    }

    [Fact]
    public async Task Thread_reply_with_a_used_client_id_counts_once()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var root = await SendAsync(chat, a, "root");

        var first = await Signals.AppendSignalAsync(ThreadReply(root, chat, b, "once", "c-1"), Ct);
        var again = await Signals.AppendSignalAsync(ThreadReply(root, chat, b, "once", "c-1"), Ct);

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Signal.Id, again.Signal.Id);
        Assert.Equal(1, (await Signals.GetSignalAsync(chat.Id, root.Id, Ct))!.Thread!.ReplyCount);
    }

    [Fact]
    public async Task Thread_pages_oldest_first_before_and_after_a_reply()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var root = await SendAsync(chat, a, "root");
        var other = await SendAsync(chat, a, "other root");
        var replies = new List<Signal>();
        for (var i = 0; i < 5; i++)
        {
            replies.Add((await Signals.AppendSignalAsync(ThreadReply(root, chat, i % 2 == 0 ? a : b, $"reply {i}"), Ct)).Signal);
        }

        await Signals.AppendSignalAsync(ThreadReply(other, chat, b, "elsewhere"), Ct);

        Assert.Equal(Ids(replies[..2]), Ids(await Signals.GetThreadAsync(chat.Id, root.Id, new TimelineQuery(null, null, 2), Ct)));
        Assert.Equal(Ids(replies[2..4]), Ids(await Signals.GetThreadAsync(chat.Id, root.Id, new TimelineQuery(null, replies[1].Id, 2), Ct)));
        Assert.Equal(Ids(replies[1..3]), Ids(await Signals.GetThreadAsync(chat.Id, root.Id, new TimelineQuery(replies[3].Id, null, 2), Ct)));
        Assert.Empty(await Signals.GetThreadAsync(chat.Id, root.Id, new TimelineQuery(null, replies[4].Id, 2), Ct));
        Assert.Empty(await Signals.GetThreadAsync(Guid.CreateVersion7(), root.Id, new TimelineQuery(null, null, 10), Ct));
    }

    [Fact]
    public async Task Deleting_a_reply_or_the_root_keeps_the_thread_summary()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var root = await SendAsync(chat, a, "root");
        var reply = (await Signals.AppendSignalAsync(ThreadReply(root, chat, b), Ct)).Signal;
        await Signals.AppendSignalAsync(ThreadReply(root, chat, a), Ct);

        await Signals.DeleteSignalAsync(chat.Id, reply.Id, Now(), Ct);
        var afterReply = (await Signals.GetSignalAsync(chat.Id, root.Id, Ct))!.Thread!;
        await Signals.DeleteSignalAsync(chat.Id, root.Id, Now(), Ct);
        var tombstone = (await Signals.GetSignalAsync(chat.Id, root.Id, Ct))!;

        Assert.Equal(2, afterReply.ReplyCount);
        Assert.NotNull(tombstone.DeletedAt);
        Assert.Equal(2, tombstone.Thread!.ReplyCount);
        var page = await Signals.GetThreadAsync(chat.Id, root.Id, new TimelineQuery(null, null, 10), Ct);
        Assert.Equal(reply.Id, page[0].Id);
        Assert.NotNull(page[0].DeletedAt);
        Assert.Null(page[0].Text);
    }

    [Fact]
    public async Task Editing_the_root_keeps_its_thread_summary()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var root = await SendAsync(chat, a, "root");
        await Signals.AppendSignalAsync(ThreadReply(root, chat, b), Ct);

        var edited = await Signals.EditSignalAsync(chat.Id, root.Id, "root, edited", [], Now(), Ct);

        Assert.Equal(1, edited!.Thread!.ReplyCount);
        Assert.Equal([a.Id, b.Id], edited.Thread.ParticipantIds);
    }

    [Fact]
    public async Task Thread_participants_are_bounded()
    {
        var root0 = await NewUserAsync();
        var chatUsers = new List<User> { root0 };
        for (var i = 0; i < ThreadSummary.MaxParticipants + 2; i++)
        {
            chatUsers.Add(await NewUserAsync());
        }

        var chat = await NewGroupAsync([.. chatUsers]);
        var root = await SendAsync(chat, root0, "root");
        foreach (var user in chatUsers.Skip(1))
        {
            await Signals.AppendSignalAsync(ThreadReply(root, chat, user), Ct);
        }

        var thread = (await Signals.GetSignalAsync(chat.Id, root.Id, Ct))!.Thread!;
        Assert.Equal(chatUsers.Count - 1, thread.ReplyCount);
        Assert.Equal(ThreadSummary.MaxParticipants, thread.ParticipantIds.Count);
        Assert.Equal(root0.Id, thread.ParticipantIds[0]);
        Assert.Equal(chatUsers.Take(ThreadSummary.MaxParticipants).Select(u => u.Id).Order(), thread.ParticipantIds.Order());
    }
}
