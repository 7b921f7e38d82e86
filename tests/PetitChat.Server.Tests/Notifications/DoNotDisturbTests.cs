using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Notifications;

public sealed class DoNotDisturbTests(NotifyingServer server) : NotificationTest(server)
{
    [Fact]
    public async Task A_user_in_do_not_disturb_gets_no_push_except_for_a_mention()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var browser = await SubscribeAsync(bob);
        var chatId = (await alice.CreateGroupAsync("dnd", bob)).Id();
        await bob.Http.PutAsJsonAsync("/api/v1/me/status", new { emoji = "🔕", availability = "dnd" }).OkJsonAsync();

        var quiet = await SendAsync(alice, chatId, "nothing urgent");
        await Server.WaitUntilSettledAsync(quiet, bob.Id);
        Assert.Empty(Push.For(browser.Id));

        await SendAsync(alice, chatId, $"@{bob.Username} need you");
        var push = Assert.Single(await Push.WaitForAsync(browser.Id, 1));
        Assert.True(push.Json!.Value.GetProperty("mentioned").GetBoolean());
    }

    [Fact]
    public async Task A_user_in_do_not_disturb_is_not_rung_by_a_call()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var browser = await SubscribeAsync(bob);
        var chatId = (await alice.CreateGroupAsync("dnd call", bob)).Id();
        await bob.Http.PutAsJsonAsync("/api/v1/me/status", new { availability = "dnd" }).OkJsonAsync();

        await alice.Http.PostAsJsonAsync($"/api/v1/chats/{chatId}/calls", new { media = "audio" }).OkJsonAsync(201);
        var started = (await alice.TimelineAsync(chatId, "?limit=1")).GetProperty("items")[0];
        Assert.Equal("call_started", started.Str("kind"));
        await Server.WaitUntilCallSettledAsync(started.Id(), bob.Id);
        Assert.Empty(Push.For(browser.Id));
    }
}
