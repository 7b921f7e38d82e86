using System.Net;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;
using PetitChat.Server.Tests.Notifications;

namespace PetitChat.Server.Tests.Nodes;

/// <summary>
/// A send saved while the bus could not take its live events (503, <c>saved: true</c>) still
/// pushes its message: the client's repeat with the same <c>clientId</c> found the signal and,
/// before the fix, planned no notification, so the recipient was never pushed.
/// </summary>
public sealed class SavedSendPushTests
{
    [Theory]
    [InlineData("inprocess")]
    [InlineData("nats")]
    public async Task A_send_saved_while_NATS_is_down_and_repeated_pushes_its_message(string notifications)
    {
        await using var push = await PushEndpoint.StartAsync();
        var folder = Directory.CreateTempSubdirectory("petitchat-saved-push-").FullName;
        await using var nodes = new NatsNodes { Count = 1, Settings = PushingNode.Settings(notifications, folder) };
        await nodes.InitializeAsync();
        var (alice, bob) = (await nodes.NewChatterAsync("alice"), await nodes.NewChatterAsync("bob"));
        using var browser = push.NewBrowser();
        await bob.On(0).PostRawAsync("/api/v1/me/push-subscriptions", browser.ToJson()).OkJsonAsync(201);
        var chat = (await alice.On(0).CreateDirectAsync(bob.On(0))).Id();

        await nodes.Nats.StopAsync();
        var send = new { kind = "message", text = "saved during the outage", clientId = Guid.NewGuid().ToString() };
        var problem = await alice.On(0).PostRawAsync($"/api/v1/chats/{chat}/signals", send).ProblemAsync(503);
        Assert.True(problem.GetProperty("saved").GetBoolean());
        await nodes.Nats.StartAgainAsync();
        var repeated = await PushingNode.SendUntilTakenAsync(alice.On(0), chat, send, HttpStatusCode.OK);

        var pushed = Assert.Single(await push.WaitForAsync(browser.Id, 1, TimeSpan.FromSeconds(30)));
        Assert.Equal(repeated, pushed.Json!.Value.GetProperty("signalId").GetGuid());
        Assert.Contains("saved during the outage", pushed.Json!.Value.Str("body"), StringComparison.Ordinal);
        Directory.Delete(folder, recursive: true);
    }
}
