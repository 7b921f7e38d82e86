using PetitChat.Server.Tests.Api;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>
/// One user's slow or hostile push service must not stall another user's notifications: every
/// user here shares one lane. The bounds are generous (15 s, against the 2 s timeout and cap); the
/// stalls they guard against last 10 s per attempt or 5 minutes of honoured Retry-After.
/// </summary>
[Collection(SlowEndpointCollection.Name)]
public sealed class SlowEndpointTests(SlowEndpointServer server)
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(15);

    private PushEndpoint Push => server.Push;

    [Fact]
    public async Task A_push_service_that_never_answers_does_not_hold_back_another_users_push()
    {
        var (alice, mallory, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("mallory"), await NewChatterAsync("bob"));
        var hung = await SubscribeAsync(mallory);
        Push.Stall(hung.Id);
        var browser = await SubscribeAsync(bob);

        await alice.SendAsync((await alice.CreateDirectAsync(mallory)).Id(), "to the hung service");
        await Push.WaitForAsync(hung.Id, 1, Prompt);
        await alice.SendAsync((await alice.CreateDirectAsync(bob)).Id(), "to a working one");

        var got = await Push.WaitForAsync(browser.Id, 1, Prompt);
        Assert.Contains("to a working one", got[0].Json!.Value.Str("body"), StringComparison.Ordinal);
        // The hung service is given up on after the per-target timeout and tried again.
        await Push.WaitForAsync(hung.Id, 2, Prompt);
    }

    [Fact]
    public async Task A_push_service_asking_to_retry_in_an_hour_is_tried_again_within_the_cap_and_holds_back_nobody()
    {
        var (alice, mallory, bob) = (await NewChatterAsync("alice"), await NewChatterAsync("mallory"), await NewChatterAsync("bob"));
        var hostile = await SubscribeAsync(mallory);
        Push.HoldOff(hostile.Id, 3600);
        var browser = await SubscribeAsync(bob);

        await alice.SendAsync((await alice.CreateDirectAsync(mallory)).Id(), "to the hostile service");
        await Push.WaitForAsync(hostile.Id, 1, Prompt);
        await alice.SendAsync((await alice.CreateDirectAsync(bob)).Id(), "meanwhile");

        await Push.WaitForAsync(browser.Id, 1, Prompt);
        var attempts = await Push.WaitForAsync(hostile.Id, 2, Prompt);
        Assert.All(attempts, a => Assert.Equal(429, a.Status));
    }

    private async Task<Chatter> NewChatterAsync(string name)
    {
        var username = $"{name}-{Guid.NewGuid().ToString("N")[..10]}";
        return await Chatter.SignInAsync(await server.ClientForAsync(username), username);
    }

    private async Task<PushEndpoint.Browser> SubscribeAsync(Chatter chatter)
    {
        Push.ExpectedVapidKey ??= (await chatter.GetAsync("/api/v1/push/vapid-public-key")).Str("publicKey");
        var browser = Push.NewBrowser();
        await chatter.Http.PostJson("/api/v1/me/push-subscriptions", browser.ToJson()).OkJsonAsync(201);
        return browser;
    }
}
