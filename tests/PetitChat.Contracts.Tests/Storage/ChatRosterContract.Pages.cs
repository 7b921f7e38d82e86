using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

public abstract partial class ChatRosterContract
{
    [Fact]
    public async Task GetMembersOfChats_gives_each_chat_its_members_as_GetMembers_does()
    {
        var (a, b, c) = (await NewUserAsync(), await NewUserAsync(), await NewUserAsync());
        var group = await NewGroupAsync(a, b, c);
        var direct = await NewDirectAsync(a, c);
        await Roster.RemoveMemberAsync(group.Id, b.Id, MembershipSignal(group, SignalKind.MemberLeft, b, b), Ct);
        var unknown = Guid.CreateVersion7();

        var members = await Roster.GetMembersOfChatsAsync([group.Id, direct.Id, unknown], Ct);

        Assert.Equal(3, members.Count);
        Assert.Equal((await Roster.GetMembersAsync(group.Id, Ct)).Select(m => m.UserId), members[group.Id].Select(m => m.UserId));
        Assert.Equal(new[] { a.Id, c.Id }.Order(), members[group.Id].Select(m => m.UserId).Order());
        Assert.Equal(new[] { a.Id, c.Id }.Order(), members[direct.Id].Select(m => m.UserId).Order());
        Assert.Empty(members[unknown]);
        Assert.Empty(await Roster.GetMembersOfChatsAsync([], Ct));
    }
}
