using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>Base of the notification tests: the notifying server, fresh users per test, and a browser per subscriber.</summary>
[Collection(NotifyingCollection.Name)]
public abstract class NotificationTest(NotifyingServer server)
{
    protected NotifyingServer Server { get; } = server;

    protected PushEndpoint Push => Server.Push;

    protected async Task<Chatter> NewChatterAsync(string name = "user")
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await Server.ClientForAsync(username), username);
    }

    /// <summary>A new browser subscribed for <paramref name="chatter"/> through the API.</summary>
    protected async Task<PushEndpoint.Browser> SubscribeAsync(Chatter chatter)
    {
        Push.ExpectedVapidKey ??= (await chatter.GetAsync("/api/v1/push/vapid-public-key")).Str("publicKey");
        var browser = Push.NewBrowser();
        await chatter.Http.PostJson("/api/v1/me/push-subscriptions", browser.ToJson()).OkJsonAsync(201);
        return browser;
    }

    protected static async Task<Guid> SendAsync(Chatter sender, Guid chatId, string text) => (await sender.SendAsync(chatId, text)).Id();
}
