using PetitChat.Server.Tests.Fixtures;

namespace PetitChat.Server.Tests.Presence;

/// <summary>
/// The server on embedded defaults with presence timings short enough to watch (grace 1 s, sweep
/// every 300 ms, chat partners cached for an hour), tokens carrying an email, and Microsoft 365 pointed at a
/// <see cref="GraphStandIn"/> synced every 500 ms. Away after inactivity stays at its default (10 min):
/// a test that reads "online" a few seconds after its user's last call must not race the sweep on a
/// slow machine. <see cref="QuickAwayPresenceServer"/> is the one that goes away after 3 s.
/// </summary>
public class PresenceServer : PetitChatServer
{
    /// <summary>Presence:AwayAfter; null keeps the server's default.</summary>
    protected virtual TimeSpan? AwayAfter => null;

    public const string EmailDomain = "contoso.example";

    public GraphStandIn Graph { get; private set; } = null!;

    protected override async Task ConfigureAsync(IDictionary<string, string?> settings)
    {
        Graph = await GraphStandIn.StartAsync();
        settings["Identity:Embedded:EmailDomain"] = EmailDomain;
        settings["Presence:OfflineGrace"] = "00:00:01";
        if (AwayAfter is { } awayAfter)
            settings["Presence:AwayAfter"] = awayAfter.ToString("c");
        settings["Presence:Coalesce"] = "00:00:00.200";
        settings["Presence:SweepInterval"] = "00:00:00.300";
        // Partner sets follow chats through their drops, never their age: an hour here, so a test sees the drops.
        settings["Presence:PartnerCacheFor"] = "01:00:00";
        settings["Presence:Microsoft365:TenantId"] = GraphStandIn.Tenant;
        settings["Presence:Microsoft365:ClientId"] = GraphStandIn.ClientId;
        settings["Presence:Microsoft365:ClientSecret"] = GraphStandIn.ClientSecret;
        settings["Presence:Microsoft365:AuthorityHost"] = Graph.Origin.AbsoluteUri;
        settings["Presence:Microsoft365:GraphBaseUrl"] = new Uri(Graph.Origin, "/v1.0").AbsoluteUri;
        settings["Presence:Microsoft365:SyncInterval"] = "00:00:00.500";
    }

    protected override async Task DisposeEnginesAsync() => await Graph.DisposeAsync();
}

/// <summary>The presence server whose users go away after 3 s without activity.</summary>
public sealed class QuickAwayPresenceServer : PresenceServer
{
    protected override TimeSpan? AwayAfter => TimeSpan.FromSeconds(3);
}

[CollectionDefinition(Name)]
public sealed class PresenceCollection : ICollectionFixture<PresenceServer>
{
    public const string Name = "presence";
}

[CollectionDefinition(Name)]
public sealed class QuickAwayPresenceCollection : ICollectionFixture<QuickAwayPresenceServer>
{
    public const string Name = "presence-away";
}
