using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Notifications;

namespace PetitChat.Server.Tests.E2ee;

/// <summary>
/// A push for a message of an encrypted chat (docs/e2ee.md): the push service and the webhook
/// get "New message", never the sealed payload nor anything of the message.
/// </summary>
public sealed class EncryptedPushTests(NotifyingServer server) : NotificationTest(server)
{
    [Fact]
    public async Task A_push_for_a_sealed_message_says_New_message_and_carries_none_of_it()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        using var aliceDevice = await E2eeClient.RegisterAsync(alice);
        using var bobDevice = await E2eeClient.RegisterAsync(bob);
        var browser = await SubscribeAsync(bob);
        var chatId = (await alice.Http.PostJson("/api/v1/chats", new { name = "Sealed pushes", memberIds = new[] { bob.Id }, encrypted = true })
            .OkJsonAsync(201)).Id();

        var sent = await aliceDevice.SendAsync(chatId, "the vault code is 4711");

        var push = Assert.Single(await Push.WaitForAsync(browser.Id, 1));
        var json = push.Json!.Value;
        Assert.Equal(sent.Id(), json.GetProperty("signalId").GetGuid());
        Assert.Contains("New message", json.Str("body"), StringComparison.Ordinal);
        var raw = json.GetRawText();
        Assert.DoesNotContain("4711", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(sent.GetProperty("encrypted").Str("ciphertext"), raw, StringComparison.Ordinal);
    }
}
