using PetitChat.Core.Signals;

namespace PetitChat.Contracts.Tests.Storage;

public abstract partial class ChatRosterContract
{
    [Fact]
    public async Task Rename_changes_the_name_and_appends_its_signal()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        var renamed = Renamed(chat.Id, a, chat.Name, "new name");

        Assert.True(await Roster.RenameChatAsync(chat.Id, chat.Name, renamed, Ct));

        Assert.Equal("new name", (await Roster.GetChatAsync(chat.Id, Ct))!.Name);
        var stored = await Store.GetSignalAsync(chat.Id, renamed.Id, Ct);
        Assert.Equal((SignalKind.ChatRenamed, "a group", "new name"), (stored!.Kind, stored.OldName, stored.NewName));
        Assert.Equal(renamed.Id, (await Roster.GetChatSummaryAsync(chat.Id, a.Id, Ct))!.LastSignal!.Id);
    }

    [Fact]
    public async Task Rename_from_a_name_that_is_no_longer_current_writes_nothing()
    {
        var (a, b) = (await NewUserAsync(), await NewUserAsync());
        var chat = await NewGroupAsync(a, b);
        await Roster.RenameChatAsync(chat.Id, chat.Name, Renamed(chat.Id, a, chat.Name, "first"), Ct);
        var late = Renamed(chat.Id, b, chat.Name, "second");

        Assert.False(await Roster.RenameChatAsync(chat.Id, chat.Name, late, Ct));

        Assert.Equal("first", (await Roster.GetChatAsync(chat.Id, Ct))!.Name);
        Assert.Null(await Store.GetSignalAsync(chat.Id, late.Id, Ct));
    }

    private Signal Renamed(Guid chatId, Core.Users.User by, string? oldName, string newName)
    {
        var at = Now();
        return new Signal(Guid.CreateVersion7(at), chatId, SignalKind.ChatRenamed, by.Id, null, null, at, null, null, [])
        {
            OldName = oldName,
            NewName = newName,
        };
    }
}
