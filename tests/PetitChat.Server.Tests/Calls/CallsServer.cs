using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Calls;

/// <summary>
/// The server with Jitsi tokens (HS256), the event-sync secret and a short ring timeout, so that
/// an unanswered call ends within the test. Nothing reaches a Jitsi server: the tests check the
/// tokens and play the event-sync component's requests themselves.
/// </summary>
public sealed class CallsServer : PetitChatServer
{
    public const string Domain = "meet.petitchat.test";
    public const string AppId = "petitchat-test";
    public const string AppSecret = "a-jitsi-app-secret-of-at-least-32-bytes!";
    public const string EventsSecret = "the-event-sync-shared-secret";
    public static readonly TimeSpan RingTimeout = TimeSpan.FromSeconds(4);

    protected override Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        settings["Calls:RingTimeout"] = RingTimeout.ToString();
        settings["Calls:SweepInterval"] = "00:00:00.200";
        settings["Calls:Jitsi:Domain"] = Domain;
        settings["Calls:Jitsi:AppId"] = AppId;
        settings["Calls:Jitsi:AppSecret"] = AppSecret;
        settings["Calls:Jitsi:TokenLifetime"] = "00:30:00";
        settings["Calls:Jitsi:EventsSecret"] = EventsSecret;
        return Task.CompletedTask;
    }
}
