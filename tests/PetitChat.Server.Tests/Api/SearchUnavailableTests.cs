using System.Net;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>A server whose Meilisearch is down still starts and sends; its searches answer 503.</summary>
[Collection(DownMeilisearchCollection.Name)]
public sealed class SearchUnavailableTests(DownMeilisearchServer server)
{
    [Fact]
    public async Task Sending_works_and_search_answers_503_while_meilisearch_is_down()
    {
        var alice = await Chatter.SignInAsync(await server.ClientForAsync("alice-" + Guid.NewGuid().ToString("N")[..8]), "alice");
        var bob = await Chatter.SignInAsync(await server.ClientForAsync("bob-" + Guid.NewGuid().ToString("N")[..8]), "bob");
        var chat = (await alice.CreateDirectAsync(bob)).Id();

        var sent = await alice.SendAsync(chat, "still delivered");
        var problem = await bob.GetRawAsync($"/api/v1/chats/{chat}/search?q=delivered").ProblemAsync(503);

        Assert.Equal("still delivered", sent.Str("text"));
        Assert.DoesNotContain("127.0.0.1", problem.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await bob.GetRawAsync($"/api/v1/chats/{chat}/signals")).StatusCode);
        // Membership is still checked first: a stranger learns nothing, not even that search is down.
        var stranger = await Chatter.SignInAsync(await server.ClientForAsync("eve-" + Guid.NewGuid().ToString("N")[..8]), "eve");
        await stranger.GetRawAsync($"/api/v1/chats/{chat}/search?q=delivered").ProblemAsync(404);
    }
}
