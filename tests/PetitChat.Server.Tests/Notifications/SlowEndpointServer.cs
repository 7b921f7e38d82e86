using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Notifications;

/// <summary>
/// A server whose notification queue has one lane, so that every user's jobs share it, with a short
/// per-target timeout and Retry-After cap, and the default backoff otherwise (up to 5 minutes): a
/// slow or hostile push service would stall every other user here if it could hold the lane.
/// </summary>
public sealed class SlowEndpointServer : PetitChatServer
{
    public static readonly TimeSpan TargetTimeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(2);

    public PushEndpoint Push { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Push = await PushEndpoint.StartAsync();
        settings["Notifications:ReadDelay"] = "00:00:00.300";
        settings["Notifications:Lanes:Count"] = "1";
        settings["Notifications:TargetTimeout"] = TargetTimeout.ToString();
        settings["Notifications:Retry:MaxRetryAfter"] = MaxRetryAfter.ToString();
        settings["Notifications:Outbound:AllowLoopback"] = "true";
        settings["Notifications:WebPush:KeyPath"] = Path.Combine(Folder, "vapid-keys.json");
        settings["Notifications:WebPush:Subject"] = "mailto:tests@petitchat.test";
    }

    protected override async Task DisposeEnginesAsync() => await Push.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SlowEndpointCollection : ICollectionFixture<SlowEndpointServer>
{
    public const string Name = "slow push endpoint";
}
