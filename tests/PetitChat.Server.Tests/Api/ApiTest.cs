using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Api;

/// <summary>
/// Base of the HTTP tests: one real server on 127.0.0.1 shared by the collection, and fresh
/// users for every test so that tests do not see each other's data.
/// </summary>
[Collection(ServerCollection.Name)]
public abstract class ApiTest(PetitChatServer server)
{
    protected PetitChatServer Server { get; } = server;

    protected async Task<Chatter> NewChatterAsync(string name = "user")
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await Server.ClientForAsync(username), username);
    }

    protected async Task<Chatter[]> NewChattersAsync(int count)
    {
        var chatters = new Chatter[count];
        for (var i = 0; i < count; i++)
        {
            chatters[i] = await NewChatterAsync($"u{i}");
        }

        return chatters;
    }
}
