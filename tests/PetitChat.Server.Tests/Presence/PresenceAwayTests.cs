using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Presence;

/// <summary>Away after inactivity, on a server where that takes 3 s rather than the shared presence server's default.</summary>
[Collection(QuickAwayPresenceCollection.Name)]
public sealed class PresenceAwayTests(QuickAwayPresenceServer server) : PresenceTest(server)
{
    [Fact]
    public async Task Away_after_inactivity_and_online_again_on_activity()
    {
        var (alice, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("bob"));
        var chatId = (await alice.CreateDirectAsync(bob)).Id();
        await using var bobEvents = await bob.OpenEventsAsync();
        await using var aliceEvents = await alice.OpenEventsAsync();
        await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));

        await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "away"), TimeSpan.FromSeconds(10));

        await alice.SendAsync(chatId, "back");
        await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));

        await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "away"), TimeSpan.FromSeconds(10));
        using var ping = await alice.Http.PostAsync(new Uri("/api/v1/me/activity", UriKind.Relative), null);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, ping.StatusCode);
        await bobEvents.NextAsync(e => IsPresenceOf(e, alice, "online"));
    }
}
