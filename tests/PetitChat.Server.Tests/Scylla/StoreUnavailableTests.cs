using System.Net;
using PetitChat.Server.Tests.Api;
using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Scylla;

/// <summary>A server whose Scylla store goes away: its own server and dynalite, since the test stops the engine.</summary>
public sealed class StoreUnavailableTests(ScyllaPetitChatServer server) : IClassFixture<ScyllaPetitChatServer>
{
    [Fact]
    public async Task A_store_that_stops_answering_gives_503_problem_documents_and_the_send_is_retryable()
    {
        var (alice, bob) = (await SignInAsync("alice"), await SignInAsync("bob"));
        var chat = (await alice.CreateDirectAsync(bob)).Id();
        await alice.SendAsync(chat, "before the outage");

        await server.Dynalite.StopAsync();
        using var send = await alice.PostRawAsync($"/api/v1/chats/{chat}/signals", new { kind = "message", text = "during", clientId = "outage-1" });
        using var page = await alice.Http.GetAsync(new Uri($"/api/v1/chats/{chat}/signals", UriKind.Relative));

        foreach (var response in new[] { send, page })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(response.Headers.RetryAfter);
            var problem = await response.ReadJsonAsync();
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Equal("The store is unavailable.", problem.Str("title"));
        }
    }

    private async Task<Chatter> SignInAsync(string name)
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await server.ClientForAsync(username), username);
    }
}
