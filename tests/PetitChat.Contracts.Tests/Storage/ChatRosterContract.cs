using PetitChat.Core.Chats;
using PetitChat.Core.Paging;
using PetitChat.Core.Receipts;
using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

/// <summary>
/// The <see cref="IChatRoster"/> contract (chats and members), run against each adapter by a subclass that
/// only says how to build the store. Setup goes through the other ports of the same store.
/// </summary>
public abstract class ChatRosterContract : StoreContract
{
    protected IChatRoster Roster => Store;

    [Fact]
    public async Task CreateChat_of_a_direct_chat_creates_it_with_both_members()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var at = Now();
        var chat = new Chat(Guid.CreateVersion7(at), ChatKind.Direct, null, a.Id, at, at, null);

        var (created, isNew) = await Roster.CreateChatAsync(chat, [a.Id, b.Id], Ct);

        Assert.True(isNew);
        Assert.Equal(chat, created);
        Assert.Equal(chat, await Roster.GetChatAsync(chat.Id, Ct));
        var members = await Roster.GetMembersAsync(chat.Id, Ct);
        Assert.Equal(new[] { a.Id, b.Id }.Order(), members.Select(m => m.UserId).Order());
        Assert.All(members, m => Assert.Equal((chat.Id, at, (ReceiptPointer?)null, (ReceiptPointer?)null), (m.ChatId, m.JoinedAt, m.Delivered, m.Read)));
    }

    [Fact]
    public async Task CreateChat_of_a_direct_chat_returns_the_existing_one_for_the_same_pair_in_either_order()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var first = await NewDirectAsync(a, b);
        var at = Now();
        var again = new Chat(Guid.CreateVersion7(at), ChatKind.Direct, null, b.Id, at, at, null);

        var (existing, isNew) = await Roster.CreateChatAsync(again, [b.Id, a.Id], Ct);

        Assert.False(isNew);
        Assert.Equal(first, existing);
        Assert.Null(await Roster.GetChatAsync(again.Id, Ct));
        Assert.Equal(2, (await Roster.GetMembersAsync(first.Id, Ct)).Count);
    }

    [Fact]
    public async Task CreateChat_of_a_direct_chat_concurrently_creates_one_chat()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());

        var results = await RaceAsync(10, i =>
        {
            var at = Now();
            var chat = new Chat(Guid.CreateVersion7(at), ChatKind.Direct, null, a.Id, at, at, null);
            return Roster.CreateChatAsync(chat, i % 2 == 0 ? [a.Id, b.Id] : [b.Id, a.Id], Ct);
        });

        Assert.Single(results, r => r.Created);
        Assert.Single(results.Select(r => r.Chat.Id).Distinct());
        var mine = await Roster.ListChatsAsync(a.Id, 10, null, Ct);
        Assert.Equal([results[0].Chat.Id], mine.Items.Select(s => s.Chat.Id));
    }

    [Fact]
    public async Task CreateChat_of_a_group_creates_it_with_every_member()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var at = Now();
        var chat = new Chat(Guid.CreateVersion7(at), ChatKind.Group, "Lunch", a.Id, at, at, null);

        var (created, isNew) = await Roster.CreateChatAsync(chat, [a.Id, b.Id, c.Id], Ct);

        Assert.True(isNew);
        Assert.Equal(chat, created);
        var stored = await Roster.GetChatAsync(chat.Id, Ct);
        Assert.Equal((ChatKind.Group, "Lunch", a.Id), (stored?.Kind, stored?.Name, stored?.CreatedBy));
        Assert.Equal(new[] { a.Id, b.Id, c.Id }.Order(), (await Roster.GetMembersAsync(chat.Id, Ct)).Select(m => m.UserId).Order());
    }

    [Fact]
    public async Task CreateChat_of_two_groups_with_the_same_members_creates_two_chats()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());

        var first = await NewGroupAsync(a, b);
        var second = await NewGroupAsync(a, b);

        Assert.NotEqual(first.Id, second.Id);
        Assert.NotNull(await Roster.GetChatAsync(second.Id, Ct));
    }

    [Fact]
    public async Task GetChat_of_an_unknown_id_returns_null()
    {
        Assert.Null(await Roster.GetChatAsync(NewId(), Ct));
    }

    [Fact]
    public async Task GetMember_returns_a_member_and_null_for_anyone_else()
    {
        var (a, b, stranger) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        Assert.Equal(a.Id, (await Roster.GetMemberAsync(chat.Id, a.Id, Ct))?.UserId);
        Assert.Null(await Roster.GetMemberAsync(chat.Id, stranger.Id, Ct));
        Assert.Empty(await Roster.GetMembersAsync(NewId(), Ct));
    }

    [Fact]
    public async Task GetMembers_lists_members_by_join_time()
    {
        var (a, b, c, d) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        await Roster.AddMemberAsync(chat.Id, c.Id, MembershipSignal(chat, SignalKind.MemberJoined, a, c), 100, Ct);
        await Roster.AddMemberAsync(chat.Id, d.Id, MembershipSignal(chat, SignalKind.MemberJoined, a, d), 100, Ct);

        var members = await Roster.GetMembersAsync(chat.Id, Ct);

        Assert.Equal(new[] { a.Id, b.Id }.Order(), members.Take(2).Select(m => m.UserId).Order());
        Assert.Equal([c.Id, d.Id], members.Skip(2).Select(m => m.UserId));
    }

    [Fact]
    public async Task AddMember_adds_the_member_and_appends_the_joined_signal()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var joined = MembershipSignal(chat, SignalKind.MemberJoined, a, c);

        var result = await Roster.AddMemberAsync(chat.Id, c.Id, joined, 100, Ct);

        Assert.Equal(AddMemberResult.Added, result);
        var member = await Roster.GetMemberAsync(chat.Id, c.Id, Ct);
        Assert.Equal(joined.CreatedAt, member?.JoinedAt);
        var timeline = await TimelineAsync(chat);
        AssertSameSignal(joined, Assert.Single(timeline));
        var stored = await Roster.GetChatAsync(chat.Id, Ct);
        Assert.Equal((joined.Id, joined.CreatedAt), (stored?.LastSignalId, stored?.LastActivityAt));
    }

    [Fact]
    public async Task AddMember_of_a_member_writes_nothing()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);

        var result = await Roster.AddMemberAsync(chat.Id, b.Id, MembershipSignal(chat, SignalKind.MemberJoined, a, b), 100, Ct);

        Assert.Equal(AddMemberResult.AlreadyMember, result);
        Assert.Empty(await TimelineAsync(chat));
        Assert.Equal(2, (await Roster.GetMembersAsync(chat.Id, Ct)).Count);
    }

    [Fact]
    public async Task AddMember_to_a_full_chat_writes_nothing()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);

        var result = await Roster.AddMemberAsync(chat.Id, c.Id, MembershipSignal(chat, SignalKind.MemberJoined, a, c), 2, Ct);

        Assert.Equal(AddMemberResult.ChatFull, result);
        Assert.Null(await Roster.GetMemberAsync(chat.Id, c.Id, Ct));
        Assert.Empty(await TimelineAsync(chat));
    }

    [Fact]
    public async Task AddMember_concurrently_never_exceeds_the_member_limit()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var candidates = new List<Core.Users.User>();
        for (var i = 0; i < 10; i++)
        {
            candidates.Add(await NewUserAsync());
        }

        var results = await RaceAsync(candidates.Count, i =>
            Roster.AddMemberAsync(chat.Id, candidates[i].Id, MembershipSignal(chat, SignalKind.MemberJoined, a, candidates[i]), 5, Ct));

        Assert.Equal(3, results.Count(r => r == AddMemberResult.Added));
        Assert.Equal(7, results.Count(r => r == AddMemberResult.ChatFull));
        Assert.Equal(5, (await Roster.GetMembersAsync(chat.Id, Ct)).Count);
        Assert.Equal(3, (await TimelineAsync(chat)).Count);
    }

    [Fact]
    public async Task RemoveMember_removes_the_member_and_appends_the_left_signal()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b, c);
        var left = MembershipSignal(chat, SignalKind.MemberLeft, c, c);

        Assert.True(await Roster.RemoveMemberAsync(chat.Id, c.Id, left, Ct));

        Assert.Null(await Roster.GetMemberAsync(chat.Id, c.Id, Ct));
        AssertSameSignal(left, Assert.Single(await TimelineAsync(chat)));
        Assert.Equal(left.Id, (await Roster.GetChatAsync(chat.Id, Ct))?.LastSignalId);
    }

    [Fact]
    public async Task RemoveMember_of_a_non_member_writes_nothing()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);

        Assert.False(await Roster.RemoveMemberAsync(chat.Id, c.Id, MembershipSignal(chat, SignalKind.MemberLeft, a, c), Ct));

        Assert.Empty(await TimelineAsync(chat));
        Assert.Equal(2, (await Roster.GetMembersAsync(chat.Id, Ct)).Count);
    }

    [Fact]
    public async Task AddMember_after_RemoveMember_lets_the_user_back()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b, c);
        await Roster.RemoveMemberAsync(chat.Id, c.Id, MembershipSignal(chat, SignalKind.MemberLeft, c, c), Ct);

        var result = await Roster.AddMemberAsync(chat.Id, c.Id, MembershipSignal(chat, SignalKind.MemberJoined, a, c), 100, Ct);

        Assert.Equal(AddMemberResult.Added, result);
        Assert.Equal(c.Id, (await Roster.GetMembersAsync(chat.Id, Ct))[^1].UserId);
        Assert.Equal([SignalKind.MemberJoined, SignalKind.MemberLeft], (await TimelineAsync(chat)).Select(s => s.Kind));
    }

    [Fact]
    public async Task ListChats_orders_chats_by_most_recent_activity()
    {
        var me = await NewUserAsync();
        var first = await NewGroupAsync(me, await NewUserAsync());
        var second = await NewDirectAsync(me, await NewUserAsync());
        var third = await NewGroupAsync(me, await NewUserAsync());

        var page = await Roster.ListChatsAsync(me.Id, 10, null, Ct);

        Assert.Equal([third.Id, second.Id, first.Id], page.Items.Select(s => s.Chat.Id));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task ListChats_moves_a_chat_to_the_top_when_it_gets_a_signal()
    {
        var me = await NewUserAsync();
        var other = await NewUserAsync();
        var first = await NewGroupAsync(me, other);
        var second = await NewGroupAsync(me, other);

        var signal = await SendAsync(first, other);

        var page = await Roster.ListChatsAsync(me.Id, 10, null, Ct);
        Assert.Equal([first.Id, second.Id], page.Items.Select(s => s.Chat.Id));
        Assert.Equal((signal.CreatedAt, signal.Id), (page.Items[0].Chat.LastActivityAt, page.Items[0].Chat.LastSignalId));
    }

    [Fact]
    public async Task ListChats_pages_through_every_chat_once_in_order()
    {
        var me = await NewUserAsync();
        var chats = new List<Chat>();
        for (var i = 0; i < 5; i++)
        {
            chats.Add(await NewGroupAsync(me, await NewUserAsync()));
        }

        var sizes = new List<int>();
        var listed = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await Roster.ListChatsAsync(me.Id, 2, cursor, Ct);
            sizes.Add(page.Items.Count);
            listed.AddRange(page.Items.Select(s => s.Chat.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal([2, 2, 1], sizes);
        Assert.Equal(chats.Select(c => c.Id).Reverse(), listed);
    }

    [Fact]
    public async Task ListChats_on_an_exact_page_boundary_returns_no_cursor_on_the_last_page()
    {
        var me = await NewUserAsync();
        for (var i = 0; i < 4; i++)
        {
            await NewGroupAsync(me, await NewUserAsync());
        }

        var first = await Roster.ListChatsAsync(me.Id, 2, null, Ct);
        var second = await Roster.ListChatsAsync(me.Id, 2, first.NextCursor, Ct);

        Assert.NotNull(first.NextCursor);
        Assert.Equal(2, second.Items.Count);
        Assert.Null(second.NextCursor);
    }

    [Fact]
    public async Task ListChats_counts_every_signal_from_others_when_I_never_read()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(me, other);
        var quiet = await NewGroupAsync(me, other);
        await SendManyAsync(chat, other, 3);

        var page = await Roster.ListChatsAsync(me.Id, 10, null, Ct);

        Assert.Equal(3, page.Items.Single(s => s.Chat.Id == chat.Id).UnreadCount);
        Assert.Equal(0, page.Items.Single(s => s.Chat.Id == quiet.Id).UnreadCount);
    }

    [Fact]
    public async Task ListChats_counts_unread_signals_from_others_after_my_read_pointer()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(me, other);
        var theirs = await SendManyAsync(chat, other, 4);
        await Store.MoveReceiptAsync(chat.Id, me.Id, ReceiptState.Read, theirs[1].Id, Now(), Ct);
        await SendAsync(chat, other);

        var mine = Assert.Single((await Roster.ListChatsAsync(me.Id, 10, null, Ct)).Items);

        Assert.Equal(3, mine.UnreadCount);
    }

    [Fact]
    public async Task ListChats_does_not_count_my_own_signals_as_unread()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(me, other);
        await SendAsync(chat, other);
        await SendAsync(chat, me);
        await SendAsync(chat, other);

        var mine = Assert.Single((await Roster.ListChatsAsync(me.Id, 10, null, Ct)).Items);
        var theirs = Assert.Single((await Roster.ListChatsAsync(other.Id, 10, null, Ct)).Items);

        // Sending moved my read pointer past the first message; the third one is unread.
        Assert.Equal(1, mine.UnreadCount);
        Assert.Equal(0, theirs.UnreadCount);
    }

    [Fact]
    public async Task ListChats_includes_the_newest_signal_with_its_reactions()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(me, other);
        var empty = await NewGroupAsync(me, other);
        await SendAsync(chat, other, "first");
        var last = await SendAsync(chat, me, "last");
        await Store.AddReactionAsync(ReactionOf(last, other, "👍"), chat.Id, Ct);

        var page = await Roster.ListChatsAsync(me.Id, 10, null, Ct);

        var summary = page.Items.Single(s => s.Chat.Id == chat.Id);
        AssertSameSignal(last, summary.LastSignal);
        Assert.Equal("👍1", Counts(summary.LastSignal!));
        Assert.Null(page.Items.Single(s => s.Chat.Id == empty.Id).LastSignal);
    }

    [Fact]
    public async Task ListChats_of_a_user_without_chats_is_empty()
    {
        var loner = await NewUserAsync();

        var page = await Roster.ListChatsAsync(loner.Id, 10, null, Ct);

        Assert.Empty(page.Items);
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public async Task ListChats_no_longer_lists_a_chat_I_left()
    {
        var (me, a, b) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(me, a, b);

        await Roster.RemoveMemberAsync(chat.Id, me.Id, MembershipSignal(chat, SignalKind.MemberLeft, me, me), Ct);

        Assert.Empty((await Roster.ListChatsAsync(me.Id, 10, null, Ct)).Items);
        Assert.Single((await Roster.ListChatsAsync(a.Id, 10, null, Ct)).Items);
    }

    [Fact]
    public async Task ListChats_rejects_a_cursor_it_did_not_issue()
    {
        var me = await NewUserAsync();

        await Assert.ThrowsAsync<InvalidCursorException>(() => Roster.ListChatsAsync(me.Id, 10, "bm90IGEgY3Vyc29y", Ct));
    }

    [Fact]
    public async Task AddMember_starts_the_new_member_at_the_joined_signal_so_history_is_not_unread()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        await SendManyAsync(chat, a, 3);
        var joined = MembershipSignal(chat, SignalKind.MemberJoined, a, c);

        await Roster.AddMemberAsync(chat.Id, c.Id, joined, 100, Ct);
        await SendAsync(chat, b, "after joining");

        var member = await Roster.GetMemberAsync(chat.Id, c.Id, Ct);
        Assert.Equal(joined.Id, member?.Read?.SignalId);
        Assert.Equal(joined.Id, member?.Delivered?.SignalId);
        Assert.Equal(1, (await Roster.GetChatSummaryAsync(chat.Id, c.Id, Ct))?.UnreadCount);
    }

    [Fact]
    public async Task GetChatSummary_shows_one_chat_as_ListChats_does()
    {
        var (me, other) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(me, other);
        await SendAsync(chat, other, "one");
        var last = await SendAsync(chat, other, "two");

        var summary = await Roster.GetChatSummaryAsync(chat.Id, me.Id, Ct);
        var listed = Assert.Single((await Roster.ListChatsAsync(me.Id, 10, null, Ct)).Items);

        Assert.NotNull(summary);
        Assert.Equal(listed.Chat, summary.Chat);
        Assert.Equal(2, summary.UnreadCount);
        Assert.Equal(last.Id, summary.LastSignal?.Id);
        Assert.Equal(listed.UnreadCount, summary.UnreadCount);
    }

    [Fact]
    public async Task GetChatSummary_of_a_non_member_or_unknown_chat_is_null()
    {
        var (a, b, outsider) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var chat = await NewDirectAsync(a, b);

        Assert.Null(await Roster.GetChatSummaryAsync(chat.Id, outsider.Id, Ct));
        Assert.Null(await Roster.GetChatSummaryAsync(NewId(), a.Id, Ct));
    }
}
