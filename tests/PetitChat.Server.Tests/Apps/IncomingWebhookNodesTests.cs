using System.Net;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Apps;

/// <summary>An incoming webhook's rate limit on two nodes sharing NATS: the cluster lets through what one node would.</summary>
public sealed class IncomingWebhookNodesTests() : NatsNodesTest(Settings)
{
    private const int PerMinute = 4;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Notifications:Kind"] = "nats",
        ["Notifications:Nats:Url"] = "{NATS}",
        ["Apps:IncomingRatePerMinute"] = PerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };


    [Fact]
    public async Task Posts_to_both_nodes_count_against_one_allowance()
    {
        var (alice, bob) = (await Nodes.NewChatterAsync("alice"), await Nodes.NewChatterAsync("bob"));
        var chatId = (await alice.On(0).CreateGroupAsync("ci", bob.On(0))).Id();
        var hook = await alice.On(0).Http.PostJson($"/api/v1/chats/{chatId}/incoming-webhooks", new { name = "CI" }).OkJsonAsync(201);
        var path = new Uri(hook.Str("url")).AbsolutePath;

        // The allowance is per minute of the clock: start early in a minute, so that all posts fall in one.
        var intoMinute = DateTimeOffset.UtcNow.TimeOfDay.TotalSeconds % 60;
        if (intoMinute > 45)
        {
            await Task.Delay(TimeSpan.FromSeconds(61 - intoMinute));
        }

        using var anonymous = new HttpClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < PerMinute + 2; i++)
        {
            var node = Nodes.Nodes[i % 2];
            using var response = await anonymous.PostAsync(new Uri(node.BaseAddress, path),
                System.Net.Http.Json.JsonContent.Create(new { text = $"build {i}" }));
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, PerMinute), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(PerMinute, (await bob.On(1).TimelineAsync(chatId)).Items().Count(s => s.Str("text")?.StartsWith("build", StringComparison.Ordinal) == true));
    }
}
