using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Apps;

/// <summary>
/// Outgoing app events on two nodes sharing NATS (bus and notification queue), each node running
/// a notification worker: messages sent on either node reach the app once each, in the chat's order.
/// </summary>
public sealed class AppsNodesTests() : NatsNodesTest(Settings)
{
    private const string Admin = "nodes-apps-admin";
    private static readonly string[] SignalCreated = ["signal.created"];

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Notifications:Kind"] = "nats",
        ["Notifications:Nats:Url"] = "{NATS}",
        ["Apps:AllowHttp"] = "true",
        ["Notifications:Outbound:AllowLoopback"] = "true",
        ["Apps:DirectoryRefresh"] = "00:00:00",
        ["Identity:Embedded:Admins:0"] = Admin,
    };

    [Fact]
    public async Task Messages_sent_on_either_node_reach_the_app_once_each_in_order()
    {
        await using var listener = await AppListener.StartAsync();
        var (admin, alice, bob) = (await Nodes.SignInAsync(Admin), await Nodes.NewChatterAsync("alice"), await Nodes.NewChatterAsync("bob"));
        var app = await admin.On(0).Http.PostJson("/api/v1/apps", new { name = "Nodes app", url = listener.Url, events = SignalCreated })
            .OkJsonAsync(201);
        var chatId = (await alice.On(0).CreateGroupAsync("two nodes", bob.On(0))).Id();
        await alice.On(1).Http.PostJson($"/api/v1/chats/{chatId}/members", new { userId = app.GetProperty("bot").Id() }).OkJsonAsync();

        var sent = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            sent.Add((await alice.On(i % 2).SendAsync(chatId, $"message {i}")).Id());
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (Created(listener, chatId).Distinct().Count() < sent.Count)
        {
            await Task.Delay(50, deadline.Token);
        }

        // At least once: a redelivery may repeat an event, with the same delivery id; first arrivals keep the chat's order.
        Assert.Equal(sent, Created(listener, chatId).Distinct());
        var byDelivery = listener.Received.Where(r => r.Body.Str("type") == "signal.created")
            .GroupBy(r => r.Body.Str("id")).ToList();
        Assert.Equal(sent.Count, byDelivery.Count);
        Assert.All(byDelivery, g => Assert.Single(g.Select(r => r.Body.GetProperty("payload").Id()).Distinct()));
    }

    private static IEnumerable<Guid> Created(AppListener listener, Guid chatId) =>
        listener.Received
            .Where(r => r.Body.Str("type") == "signal.created" && r.Body.GetProperty("chatId").GetGuid() == chatId && r.Status is >= 200 and < 300)
            .Select(r => r.Body.GetProperty("payload").Id());
}
