using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>A thread reply notifies the thread's participants as a mention does (docs/api.md).</summary>
public sealed class ThreadPushTests(NotifyingServer server) : NotificationTest(server)
{
    [Fact]
    public async Task A_thread_reply_is_pushed_to_its_participants_even_in_a_muted_chat_and_not_to_other_members()
    {
        var (alice, bob, carol) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("carol"));
        var bobs = await SubscribeAsync(bob);
        var carols = await SubscribeAsync(carol);
        var chatId = (await alice.CreateGroupAsync("threads", bob, carol)).Id();
        await bob.Http.PutAsJsonAsync($"/api/v1/chats/{chatId}/settings", new { muted = true }).OkJsonAsync();
        var root = await SendAsync(bob, chatId, "who takes friday?");
        await Server.WaitUntilSettledAsync(root, carol.Id);
        var carolsBefore = Push.For(carols.Id).Count;

        var reply = (await alice.Http.PostAsJsonAsync($"/api/v1/chats/{chatId}/signals",
            new { text = "I do", clientId = "t", threadId = root }).OkJsonAsync(201)).Id();

        var push = Assert.Single(await Push.WaitForAsync(bobs.Id, 1));
        Assert.Equal((reply, root), (push.Json!.Value.GetProperty("signalId").GetGuid(), push.Json.Value.GetProperty("threadId").GetGuid()));
        Assert.True(push.Json.Value.GetProperty("mentioned").GetBoolean());
        Assert.Equal(carolsBefore, Push.For(carols.Id).Count);
    }
}
