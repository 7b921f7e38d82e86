using System.Net.Http.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Presence;

/// <summary>Microsoft 365 presence through the Graph SDK, against <see cref="GraphStandIn"/> (Graph cannot run here).</summary>
public sealed class Microsoft365PresenceTests(PresenceServer server) : PresenceTest(server)
{
    private GraphStandIn Graph => Server.Graph;

    [Fact]
    public async Task Graph_stand_in_a_linked_users_meeting_shows_as_busy_from_microsoft365_and_then_their_status_message()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        var graphId = Graph.AddUser($"{alice.Username}@{PresenceServer.EmailDomain}");
        Graph.SetPresence(graphId, "Busy", "InAMeeting");

        var link = await alice.Http.PutAsJsonAsync("/api/v1/me/microsoft365", new { writeBack = false }).OkJsonAsync();
        Assert.Equal($"{alice.Username}@{PresenceServer.EmailDomain}", link.Str("upn"));

        var busy = await WaitForPresenceAsync(bob, alice, p => p.Str("state") == "busy");
        Assert.Equal("microsoft365", busy.Str("source"));

        Graph.SetPresence(graphId, "DoNotDisturb", "Presenting", "Presenting the roadmap");
        var dnd = await WaitForPresenceAsync(bob, alice, p => p.Str("state") == "dnd");
        Assert.Equal("Presenting the roadmap", dnd.GetProperty("status").Str("text"));
    }

    [Fact]
    public async Task Graph_stand_in_throttling_with_retry_after_is_waited_out_and_the_sync_goes_on()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        var graphId = Graph.AddUser($"{alice.Username}@{PresenceServer.EmailDomain}");
        await alice.Http.PutAsJsonAsync("/api/v1/me/microsoft365", new { }).OkJsonAsync();
        var throttled = Graph.Throttled;

        Graph.ThrottleNext();
        Graph.SetPresence(graphId, "Away", "BeRightBack");

        var away = await WaitForPresenceAsync(bob, alice, p => p.Str("state") == "away");
        Assert.Equal("microsoft365", away.Str("source"));
        Assert.True(Graph.Throttled > throttled);
    }

    [Fact]
    public async Task Graph_stand_in_expired_tokens_are_renewed_and_the_sync_keeps_reading()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        var graphId = Graph.AddUser($"{alice.Username}@{PresenceServer.EmailDomain}");
        await alice.Http.PutAsJsonAsync("/api/v1/me/microsoft365", new { }).OkJsonAsync();
        Graph.SetPresence(graphId, "Busy", "InACall");
        await WaitForPresenceAsync(bob, alice, p => p.Str("state") == "busy");
        var issued = Graph.TokensIssued;

        // Tokens live 2 s; well past that, presence still flows, on new tokens.
        await WaitUntilAsync(() => Graph.TokensIssued >= issued + 2);
        Graph.SetPresence(graphId, "DoNotDisturb", "DoNotDisturb");
        await WaitForPresenceAsync(bob, alice, p => p.Str("state") == "dnd");
    }

    [Fact]
    public async Task Graph_stand_in_a_token_refused_as_expired_before_its_time_is_replaced_and_the_call_tried_again()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        var graphId = Graph.AddUser($"{alice.Username}@{PresenceServer.EmailDomain}");
        await alice.Http.PutAsJsonAsync("/api/v1/me/microsoft365", new { }).OkJsonAsync();
        Graph.SetPresence(graphId, "Busy", "InAMeeting");
        await WaitForPresenceAsync(bob, alice, p => p.Str("state") == "busy");
        var refused = Graph.ExpiredRefused;

        // The sync takes a token that lives 10 minutes, so it would not renew it by itself for long...
        var issued = Graph.TokensIssued;
        Graph.TokenLifetime = TimeSpan.FromMinutes(10);
        try
        {
            await WaitUntilAsync(() => Graph.TokensIssued > issued);
        }
        finally
        {
            Graph.TokenLifetime = TimeSpan.FromSeconds(2);
        }

        // ...but Graph says it expired (401).
        Graph.ExpireTokens();
        Graph.SetPresence(graphId, "Away", "Away");

        var away = await WaitForPresenceAsync(bob, alice, p => p.Str("state") == "away");
        Assert.Equal("microsoft365", away.Str("source"));
        Assert.True(Graph.ExpiredRefused > refused);
    }

    [Fact]
    public async Task Graph_stand_in_a_status_is_written_back_when_the_user_turned_that_on()
    {
        var alice = await NewChatterAsync("alice");
        var graphId = Graph.AddUser($"{alice.Username}@{PresenceServer.EmailDomain}");
        await alice.Http.PutAsJsonAsync("/api/v1/me/microsoft365", new { writeBack = true }).OkJsonAsync();

        await alice.Http.PutAsJsonAsync("/api/v1/me/status", new { emoji = "🌴", text = "On holiday", expiresAt = DateTimeOffset.UtcNow.AddDays(2) }).OkJsonAsync();

        await WaitUntilAsync(() => Graph.StatusMessages.Any(m => m.Id == graphId));
        var body = Graph.StatusMessages.Last(m => m.Id == graphId).Body;
        Assert.Equal("🌴 On holiday", body["statusMessage"]!["message"]!["content"]!.GetValue<string>());
        Assert.Equal("UTC", body["statusMessage"]!["expiryDateTime"]!["timeZone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Linking_needs_an_email_in_the_token_and_unlinking_drops_the_microsoft365_presence()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        await alice.CreateDirectAsync(bob);
        var graphId = Graph.AddUser($"{alice.Username}@{PresenceServer.EmailDomain}");
        Graph.SetPresence(graphId, "Busy", "InAMeeting");
        await alice.Http.PutAsJsonAsync("/api/v1/me/microsoft365", new { }).OkJsonAsync();
        await WaitForPresenceAsync(bob, alice, p => p.Str("state") == "busy");

        using var unlink = await alice.Http.DeleteAsync(new Uri("/api/v1/me/microsoft365", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NoContent, unlink.StatusCode);
        Assert.Equal("offline", (await PresenceOfAsync(bob, alice)).Str("state"));
        Assert.False((await alice.GetAsync("/api/v1/me/microsoft365")).GetProperty("linked").GetBoolean());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!condition())
        {
            await Task.Delay(100, deadline.Token);
        }
    }
}
