using System.Net;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Server.Tests.Notifications;

namespace PetitChat.Server.Tests.Nodes;

/// <summary>
/// A nats-server that comes back with an empty store (a new volume): the bus's stream, the job
/// streams and their consumers, and the presence, ledger, counter and ticket buckets are all gone. Each is
/// created again by the first call that finds it missing; sends, streams and pushes go on without
/// restarting the node.
/// </summary>
public sealed class NatsStoreLostTests
{
    [Fact]
    public async Task After_NATS_comes_back_with_an_empty_store_messages_are_sent_live_and_pushed()
    {
        await using var push = await PushEndpoint.StartAsync();
        var folder = Directory.CreateTempSubdirectory("petitchat-store-lost-").FullName;
        await using var nodes = new NatsNodes { Count = 1, Settings = PushingNode.Settings("nats", folder) };
        await nodes.InitializeAsync();
        var (alice, bob, carol) = (await nodes.NewChatterAsync("alice"), await nodes.NewChatterAsync("bob"), await nodes.NewChatterAsync("carol"));
        using var browser = push.NewBrowser();
        await bob.On(0).PostRawAsync("/api/v1/me/push-subscriptions", browser.ToJson()).OkJsonAsync(201);
        var chat = (await alice.On(0).CreateGroupAsync("team", bob.On(0), carol.On(0))).Id();

        await nodes.Nats.StopAsync();
        await nodes.Nats.StartEmptyAsync();

        // Carol's stream opens with a ticket (as the web client opens it) once the node is back,
        // and gets the message live; Bob, with no stream open, is pushed it.
        await using var carols = await OpenWhenBackAsync(carol.On(0));
        var send = new { kind = "message", text = "sent after the store was lost", clientId = Guid.NewGuid().ToString() };
        var sent = await PushingNode.SendUntilTakenAsync(alice.On(0), chat, send, HttpStatusCode.Created, HttpStatusCode.OK);
        await carols.NextAsync(e => e.Type == "signal" && e.Data.Id() == sent);
        var pushed = Assert.Single(await push.WaitForAsync(browser.Id, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(sent, pushed.Json!.Value.GetProperty("signalId").GetGuid());
        Directory.Delete(folder, recursive: true);
    }

    /// <summary>A ticket, then the stream it opens, again while the node answers 503.</summary>
    private static async Task<EventStream> OpenWhenBackAsync(Chatter chatter)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            using var issued = await chatter.PostRawAsync("/api/v1/events/tickets", new { });
            if (issued.StatusCode == HttpStatusCode.OK)
            {
                var ticket = (await issued.ReadJsonAsync()).Str("ticket");
                try
                {
                    return await EventStream.OpenAsync(chatter.Http, new HttpRequestMessage(HttpMethod.Get, $"/api/v1/events?ticket={ticket}"));
                }
                catch (HttpRequestException e) when (e.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                }
            }
            else
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, issued.StatusCode);
            }

            await Task.Delay(200, deadline.Token);
        }
    }
}
