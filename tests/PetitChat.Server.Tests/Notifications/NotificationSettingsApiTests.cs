using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>The settings API: bad input is a 400 naming the field and changes nothing; other users' chats are 404.</summary>
public sealed class NotificationSettingsApiTests(NotifyingServer server) : NotificationTest(server)
{
    [Fact]
    public async Task Mute_needs_a_boolean_and_membership()
    {
        var (alice, bob, eve) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"), await NewChatterAsync("eve"));
        var chatId = (await alice.CreateDirectAsync(bob)).Id();

        await alice.Http.PutAsJsonAsync($"/api/v1/chats/{chatId}/settings", new { }).ProblemAsync(400, "muted");
        await eve.Http.PutAsJsonAsync($"/api/v1/chats/{chatId}/settings", new { muted = true }).ProblemAsync(404);
        await eve.GetRawAsync($"/api/v1/chats/{chatId}/settings").ProblemAsync(404);

        Assert.False((await alice.GetAsync($"/api/v1/chats/{chatId}/settings")).GetProperty("muted").GetBoolean());
        await alice.Http.PutAsJsonAsync($"/api/v1/chats/{chatId}/settings", new { muted = true }).OkJsonAsync();
        Assert.True((await alice.GetAsync($"/api/v1/chats/{chatId}/settings")).GetProperty("muted").GetBoolean());
        Assert.False((await bob.GetAsync($"/api/v1/chats/{chatId}/settings")).GetProperty("muted").GetBoolean());
    }

    [Fact]
    public async Task A_user_holds_at_most_ten_push_subscriptions()
    {
        var alice = await NewChatterAsync("alice");
        var browsers = Enumerable.Range(0, 11).Select(_ => Push.NewBrowser()).ToList();
        object Subscription(int i) => new
        {
            endpoint = browsers[i].Endpoint,
            keys = new { p256dh = Base64Url(browsers[i].PublicKey), auth = Base64Url(browsers[i].AuthSecret) },
        };

        for (var i = 0; i < 10; i++)
        {
            await alice.PostRawAsync("/api/v1/me/push-subscriptions", Subscription(i)).OkJsonAsync(201);
        }

        await alice.PostRawAsync("/api/v1/me/push-subscriptions", Subscription(10)).ProblemAsync(409);
        await alice.PostRawAsync("/api/v1/me/push-subscriptions", Subscription(3)).OkJsonAsync(201);
        Assert.Equal(10, (await alice.GetAsync("/api/v1/me/push-subscriptions")).GetArrayLength());
    }

    [Fact]
    public async Task A_push_endpoint_registered_by_one_user_cannot_be_taken_over_by_another()
    {
        var (alice, mallory) = (await NewChatterAsync("alice"), await NewChatterAsync("mallory"));
        var browser = Push.NewBrowser();
        await alice.PostRawAsync("/api/v1/me/push-subscriptions", browser.ToJson()).OkJsonAsync(201);
        var other = Push.NewBrowser();

        // The same endpoint with mallory's own keys: refused, and alice keeps it with her keys.
        await mallory.PostRawAsync("/api/v1/me/push-subscriptions", new
        {
            endpoint = browser.Endpoint,
            keys = new { p256dh = Base64Url(other.PublicKey), auth = Base64Url(other.AuthSecret) },
        }).ProblemAsync(409);
        await mallory.DeleteRawAsync($"/api/v1/me/push-subscriptions?endpoint={Uri.EscapeDataString(browser.Endpoint)}").ProblemAsync(404);

        Assert.Empty((await mallory.GetAsync("/api/v1/me/push-subscriptions")).EnumerateArray());
        Assert.Equal([browser.Endpoint], (await alice.GetAsync("/api/v1/me/push-subscriptions")).EnumerateArray().Select(s => s.Str("endpoint")));
        // Her own browser subscribing again still only replaces its keys.
        await alice.PostRawAsync("/api/v1/me/push-subscriptions", browser.ToJson()).OkJsonAsync(201);
    }

    [Fact]
    public async Task A_push_subscription_needs_an_endpoint_and_real_keys()
    {
        var alice = await NewChatterAsync("alice");
        var browser = Push.NewBrowser();
        var key = Convert.ToBase64String(browser.PublicKey).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var auth = Convert.ToBase64String(browser.AuthSecret).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        await alice.PostRawAsync("/api/v1/me/push-subscriptions", new { keys = new { p256dh = key, auth } }).ProblemAsync(400, "endpoint");
        await alice.PostRawAsync("/api/v1/me/push-subscriptions", new { endpoint = "ftp://push.example/x", keys = new { p256dh = key, auth } })
            .ProblemAsync(400, "endpoint");
        await alice.PostRawAsync("/api/v1/me/push-subscriptions", new { endpoint = browser.Endpoint, keys = new { p256dh = "AAAA", auth } })
            .ProblemAsync(400, "keys.p256dh");
        await alice.PostRawAsync("/api/v1/me/push-subscriptions", new { endpoint = browser.Endpoint, keys = new { p256dh = key, auth = "not base64url!" } })
            .ProblemAsync(400, "keys.auth");
        Assert.Empty((await alice.GetAsync("/api/v1/me/push-subscriptions")).EnumerateArray());

        await alice.PostRawAsync("/api/v1/me/push-subscriptions", browser.ToJson()).OkJsonAsync(201);
        Assert.Single((await alice.GetAsync("/api/v1/me/push-subscriptions")).EnumerateArray());
        await alice.DeleteRawAsync("/api/v1/me/push-subscriptions").ProblemAsync(400, "endpoint");
        using (var deleted = await alice.DeleteRawAsync($"/api/v1/me/push-subscriptions?endpoint={Uri.EscapeDataString(browser.Endpoint)}"))
        {
            Assert.Equal(204, (int)deleted.StatusCode);
        }

        await alice.DeleteRawAsync($"/api/v1/me/push-subscriptions?endpoint={Uri.EscapeDataString(browser.Endpoint)}").ProblemAsync(404);
        Assert.Empty((await alice.GetAsync("/api/v1/me/push-subscriptions")).EnumerateArray());
    }

    [Theory]
    [InlineData("http://10.0.0.7/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://[fe80::1]/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("file:///etc/passwd")]
    [InlineData("http://user:pw@hooks.example/")]
    public async Task A_webhook_or_endpoint_into_a_private_network_is_refused(string url)
    {
        var alice = await NewChatterAsync("alice");
        var browser = Push.NewBrowser();
        var subscription = new
        {
            endpoint = url,
            keys = new
            {
                p256dh = Convert.ToBase64String(browser.PublicKey).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
                auth = Convert.ToBase64String(browser.AuthSecret).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            },
        };

        await alice.Http.PutAsJsonAsync("/api/v1/me/webhook", new { url }).ProblemAsync(400, "url");
        await alice.PostRawAsync("/api/v1/me/push-subscriptions", subscription).ProblemAsync(400, "endpoint");
        await alice.GetRawAsync("/api/v1/me/webhook").ProblemAsync(404);
    }

    [Fact]
    public async Task A_webhook_can_be_replaced_and_removed()
    {
        var alice = await NewChatterAsync("alice");
        var first = await alice.Http.PutAsJsonAsync("/api/v1/me/webhook", new { url = Push.HookUrl("a") }).OkJsonAsync();
        var second = await alice.Http.PutAsJsonAsync("/api/v1/me/webhook", new { url = Push.HookUrl("b") }).OkJsonAsync();
        Assert.NotEqual(first.Str("secret"), second.Str("secret"));

        var current = await alice.GetAsync("/api/v1/me/webhook");
        Assert.Equal(Push.HookUrl("b"), current.Str("url"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, current.GetProperty("secret").ValueKind);
        using (var deleted = await alice.DeleteRawAsync("/api/v1/me/webhook"))
        {
            Assert.Equal(204, (int)deleted.StatusCode);
        }

        await alice.GetRawAsync("/api/v1/me/webhook").ProblemAsync(404);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
