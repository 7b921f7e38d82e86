using System.Net.Http.Headers;
using System.Text.Json;
using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Apps;

/// <summary>Base of the app tests: the apps server, fresh users per test, and an administrator.</summary>
[Collection(AppsCollection.Name)]
public abstract class AppsTest(AppsServer server)
{
    protected AppsServer Server { get; } = server;

    protected async Task<Chatter> NewChatterAsync(string name = "user")
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await Server.ClientForAsync(username), username);
    }

    protected async Task<Chatter> AdminAsync() => await Chatter.SignInAsync(await Server.ClientForAsync(AppsServer.Admin), AppsServer.Admin);

    /// <summary>A client of the server that sends <paramref name="token"/> (a bot token) as its bearer token.</summary>
    protected HttpClient BotClient(string token)
    {
        var client = new HttpClient { BaseAddress = Server.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    protected static async Task<JsonElement> RegisterAsync(Chatter admin, string url, string[] events, params string[] commands) =>
        await admin.Http.PostJson("/api/v1/apps", new
        {
            name = "App " + Guid.NewGuid().ToString("N")[..6],
            url,
            events,
            commands = commands.Select(c => new { name = c, description = "does " + c }),
        }).OkJsonAsync(201);

    protected static Guid BotId(JsonElement app) => app.GetProperty("bot").Id();
}
