using System.Net.Http.Json;
using System.Text.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>
/// From a sent message to what the push service receives, decrypted with the subscription's own
/// key: the policy (delay, read, connected, muted, mentions, collapsing) and the channel's
/// handling of push service answers.
/// </summary>
public sealed class PushDeliveryTests(NotifyingServer server) : NotificationTest(server)
{
    [Fact]
    public async Task A_recipient_who_does_not_read_gets_one_encrypted_vapid_signed_push()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var aliceBrowser = await SubscribeAsync(alice);
        var bobBrowser = await SubscribeAsync(bob);
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        var signalId = await SendAsync(alice, chatId, "Lunch at noon?");

        var push = Assert.Single(await Push.WaitForAsync(bobBrowser.Id, 1));
        Assert.Null(push.Problem);
        var json = push.Json!.Value;
        Assert.Equal(chatId, json.GetProperty("chatId").GetGuid());
        Assert.Equal(signalId, json.GetProperty("signalId").GetGuid());
        Assert.Equal(alice.Id, json.GetProperty("senderId").GetGuid());
        Assert.Contains("Lunch at noon?", json.Str("body"), StringComparison.Ordinal);
        Assert.Equal(1, json.GetProperty("unreadCount").GetInt32());
        Assert.Equal(chatId.ToString("N"), push.Headers["Topic"]);
        Assert.True(int.Parse(push.Headers["TTL"], System.Globalization.CultureInfo.InvariantCulture) > 0);
        // The sender is never notified of their own message.
        await Server.WaitUntilSettledAsync(signalId, bob.Id);
        Assert.Empty(Push.For(aliceBrowser.Id));
    }

    [Fact]
    public async Task A_message_read_within_the_delay_is_not_pushed()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var browser = await SubscribeAsync(bob);
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        var signalId = await SendAsync(alice, chatId, "read me quickly");
        await bob.MarkAsync(chatId, signalId, "read");

        await Server.WaitUntilSettledAsync(signalId, bob.Id);
        Assert.Empty(Push.For(browser.Id));
    }

    [Fact]
    public async Task A_recipient_with_an_open_live_stream_is_not_pushed()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var browser = await SubscribeAsync(bob);
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        await using (var stream = await bob.OpenEventsAsync())
        {
            var signalId = await SendAsync(alice, chatId, "you are here");
            await Server.WaitUntilSettledAsync(signalId, bob.Id);
        }

        Assert.Empty(Push.For(browser.Id));
    }

    [Fact]
    public async Task A_muted_chat_is_not_pushed_but_a_mention_of_the_user_is()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var browser = await SubscribeAsync(bob);
        var chatId = (await alice.CreateGroupAsync("muted", bob)).Id();
        var settings = await bob.Http.PutAsJsonAsync($"/api/v1/chats/{chatId}/settings", new { muted = true }).OkJsonAsync();
        Assert.True(settings.GetProperty("muted").GetBoolean());

        var quiet = await SendAsync(alice, chatId, "nothing urgent");
        await Server.WaitUntilSettledAsync(quiet, bob.Id);
        Assert.Empty(Push.For(browser.Id));

        await SendAsync(alice, chatId, $"@{bob.Username} please look");

        var push = Assert.Single(await Push.WaitForAsync(browser.Id, 1));
        Assert.True(push.Json!.Value.GetProperty("mentioned").GetBoolean());
        Assert.Equal("muted", push.Json.Value.Str("title"));
        Assert.Equal("high", push.Headers["Urgency"]);
    }

    [Fact]
    public async Task Several_messages_in_a_short_window_become_one_notification_for_the_chat()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var browser = await SubscribeAsync(bob);
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        var one = await SendAsync(alice, chatId, "one");
        var two = await SendAsync(alice, chatId, "two");
        var last = await SendAsync(alice, chatId, "three");

        await Server.WaitUntilSettledAsync(last, bob.Id);
        var push = Assert.Single(Push.For(browser.Id));
        Assert.Equal(3, push.Json!.Value.GetProperty("unreadCount").GetInt32());
        Assert.Equal([last, two, one], push.Json.Value.GetProperty("signalIds").EnumerateArray().Select(i => i.GetGuid()));
        Assert.Equal(3, push.Json.Value.GetProperty("coveredCount").GetInt32());
        Assert.Equal(last, push.Json.Value.GetProperty("signalId").GetGuid());
        Assert.Contains("three", push.Json.Value.Str("body"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscription_the_push_service_says_is_gone_is_removed_and_the_others_still_get_it()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var gone = await SubscribeAsync(bob);
        var kept = await SubscribeAsync(bob);
        Push.AnswerNext(gone.Id, 410);
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        var signalId = await SendAsync(alice, chatId, "hello");

        await Push.WaitForAsync(kept.Id, 1);
        await Server.WaitUntilSettledAsync(signalId, bob.Id);
        Assert.Equal([410], Push.For(gone.Id).Select(r => r.Status));
        var endpoints = (await bob.GetAsync("/api/v1/me/push-subscriptions")).EnumerateArray().Select(s => s.Str("endpoint")).ToList();
        Assert.Equal([kept.Endpoint], endpoints);
    }

    [Fact]
    public async Task A_busy_push_service_is_retried_with_backoff_and_the_push_arrives_once()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var browser = await SubscribeAsync(bob);
        Push.AnswerNext(browser.Id, 503, 429);
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        var signalId = await SendAsync(alice, chatId, "eventually");

        await Server.WaitUntilSettledAsync(signalId, bob.Id);
        Assert.Equal([503, 429, 201], Push.For(browser.Id).Select(r => r.Status));
    }

    [Fact]
    public async Task A_webhook_gets_the_notification_signed_with_the_users_secret()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var hookId = Guid.NewGuid().ToString("N");
        var webhook = await bob.Http.PutAsJsonAsync("/api/v1/me/webhook", new { url = Push.HookUrl(hookId) }).OkJsonAsync();
        var secret = webhook.Str("secret");
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        var signalId = await SendAsync(alice, chatId, "to your hook");

        var hook = Assert.Single(await Push.WaitForAsync(hookId, 1));
        var timestamp = hook.Headers["X-PetitChat-Timestamp"];
        byte[] signed = [.. System.Text.Encoding.UTF8.GetBytes(timestamp + "."), .. hook.Body!];
        var expected = "sha256=" + Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret), signed));
        Assert.Equal(expected, hook.Headers["X-PetitChat-Signature"]);
        Assert.Equal(signalId, hook.Json!.Value.GetProperty("signalId").GetGuid());
        Assert.Equal(NotificationJobId(signalId, bob.Id), hook.Headers["X-PetitChat-Delivery"]);
    }

    private static string NotificationJobId(Guid signalId, Guid userId) =>
        Core.Notifications.NotificationJob.For(userId, Guid.Empty, signalId, default).Id;
}
