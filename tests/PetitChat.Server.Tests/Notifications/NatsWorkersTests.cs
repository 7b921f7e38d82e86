using System.Buffers.Text;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>Server and separate workers through a real nats-server, from a sent message to the decrypted push.</summary>
[Collection(NatsNotifyingCollection.Name)]
public sealed class NatsWorkersTests(NatsNotifyingServer server)
{
    [Fact]
    public async Task Separate_workers_push_each_message_once_while_one_of_them_is_stopped()
    {
        var first = await server.StartWorkerAsync();
        var second = await server.StartWorkerAsync();
        try
        {
            var alice = await NewChatterAsync("alice");
            var recipients = new List<(Chatter Chatter, PushEndpoint.Browser Browser, Guid ChatId)>();
            for (var i = 0; i < 12; i++)
            {
                var bob = await NewChatterAsync($"bob{i}");
                recipients.Add((bob, await SubscribeAsync(bob), (await alice.CreateDirectAsync(bob)).Id()));
            }

            for (var i = 0; i < recipients.Count; i++)
            {
                await alice.SendAsync(recipients[i].ChatId, $"message {i}");
                if (i == recipients.Count / 2)
                {
                    await server.Push.WaitForAsync(recipients[0].Browser.Id, 1);
                    await first.StopAsync();
                }
            }

            foreach (var (bob, browser, chatId) in recipients)
            {
                var push = Assert.Single(await server.Push.WaitForAsync(browser.Id, 1));
                Assert.Null(push.Problem);
                Assert.Equal(chatId, push.Json!.Value.GetProperty("chatId").GetGuid());
            }
        }
        finally
        {
            first.Dispose();
            await second.StopAsync();
            second.Dispose();
        }
    }

    [Fact]
    public async Task A_user_with_a_stream_open_on_the_server_is_not_pushed_by_a_worker()
    {
        var worker = await server.StartWorkerAsync();
        try
        {
            var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
            var browser = await SubscribeAsync(bob);
            var chatId = (await alice.CreateDirectAsync(bob)).Id();

            await using (await bob.OpenEventsAsync())
            {
                var signalId = (await alice.SendAsync(chatId, "seen live")).Id();
                await server.WaitUntilSettledAsync(signalId, bob.Id);
            }

            Assert.Empty(server.Push.For(browser.Id));
            await server.WaitUntilDisconnectedAsync(bob.Id);
            var pushed = (await alice.SendAsync(chatId, "now offline")).Id();
            Assert.Equal(pushed, Assert.Single(await server.Push.WaitForAsync(browser.Id, 1)).Json!.Value.GetProperty("signalId").GetGuid());
        }
        finally
        {
            await worker.StopAsync();
            worker.Dispose();
        }
    }

    private async Task<Chatter> NewChatterAsync(string name)
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await server.ClientForAsync(username), username);
    }

    private async Task<PushEndpoint.Browser> SubscribeAsync(Chatter chatter)
    {
        server.Push.ExpectedVapidKey ??= (await chatter.GetAsync("/api/v1/push/vapid-public-key")).Str("publicKey");
        var browser = server.Push.NewBrowser();
        await chatter.Http.PostJson("/api/v1/me/push-subscriptions", new
        {
            endpoint = browser.Endpoint,
            keys = new { p256dh = Base64Url.EncodeToString(browser.PublicKey), auth = Base64Url.EncodeToString(browser.AuthSecret) },
        }).OkJsonAsync(201);
        return browser;
    }
}
