using PetitChat.Core.Chats;
using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

public abstract partial class ChatRosterContract
{
    [Fact]
    public async Task ListChatRefs_lists_my_chats_with_kind_and_name_most_recently_active_first()
    {
        var (me, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var group = await NewGroupAsync(me, b, c);
        var direct = await NewDirectAsync(me, b);
        var quiet = await NewGroupAsync(me, c);
        await SendAsync(group, b);
        await SendAsync(direct, me);

        var refs = await Roster.ListChatRefsAsync(me.Id, 10, Ct);

        Assert.Equal(
            [new ChatRef(direct.Id, ChatKind.Direct, null), new ChatRef(group.Id, ChatKind.Group, "a group"), new ChatRef(quiet.Id, ChatKind.Group, "a group")],
            refs);
    }

    [Fact]
    public async Task ListChatRefs_stops_at_the_limit_keeping_the_most_recently_active()
    {
        var (me, b) = (await NewUserAsync(), await NewUserAsync());
        var chats = new List<Chat>();
        for (var i = 0; i < 5; i++)
        {
            chats.Add(await NewGroupAsync(me, b));
        }

        await SendAsync(chats[1], b);

        var refs = await Roster.ListChatRefsAsync(me.Id, 3, Ct);

        Assert.Equal([chats[1].Id, chats[4].Id, chats[3].Id], refs.Select(r => r.Id));
    }

    [Fact]
    public async Task ListChatRefs_no_longer_lists_a_chat_I_left()
    {
        var (me, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var left = await NewGroupAsync(me, b, c);
        var kept = await NewGroupAsync(me, b);
        await SendAsync(left, b);
        await Roster.RemoveMemberAsync(left.Id, me.Id, MembershipSignal(left, SignalKind.MemberLeft, me, me), Ct);

        var refs = await Roster.ListChatRefsAsync(me.Id, 10, Ct);

        Assert.Equal([kept.Id], refs.Select(r => r.Id));
        Assert.Equal([left.Id], (await Roster.ListChatRefsAsync(c.Id, 10, Ct)).Select(r => r.Id));
    }
}
