namespace PetitChat.Infrastructure.Microsoft365;

/// <summary>
/// Configuration section <c>Presence:Microsoft365</c>: an Entra ID app registration with the
/// application permission <c>Presence.Read.All</c> (and <c>Presence.ReadWrite.All</c> for
/// write-back); see docs/presence.md. Off while <see cref="TenantId"/> is empty.
/// </summary>
public sealed record Microsoft365Options
{
    public const string Section = "Presence:Microsoft365";

    public string? TenantId { get; init; }

    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    /// <summary>Microsoft Graph's root; tests point it at a stand-in on 127.0.0.1.</summary>
    public string GraphBaseUrl { get; init; } = "https://graph.microsoft.com/v1.0";

    /// <summary>The token endpoint is <c>{AuthorityHost}/{TenantId}/oauth2/v2.0/token</c>.</summary>
    public string AuthorityHost { get; init; } = "https://login.microsoftonline.com";

    public string Scope { get; init; } = "https://graph.microsoft.com/.default";

    /// <summary>How often the linked users' presence is read.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Users per <c>getPresencesByUserId</c> call; Graph takes at most 650.</summary>
    public int BatchSize { get; init; } = 650;

    /// <summary>Run the sync loop on this node. With several nodes, run it on one (each would read the same presence).</summary>
    public bool RunSync { get; init; } = true;

    /// <summary>Per Graph call.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    public bool IsEnabled => !string.IsNullOrWhiteSpace(TenantId);

    public bool IsValid => !IsEnabled
        || (!string.IsNullOrWhiteSpace(ClientId) && !string.IsNullOrWhiteSpace(ClientSecret)
            && IsSafeUrl(GraphBaseUrl) && IsSafeUrl(AuthorityHost)
            && SyncInterval > TimeSpan.Zero && BatchSize is > 0 and <= 650 && Timeout > TimeSpan.Zero);

    /// <summary>A client secret and bearer tokens go there: https, or http on loopback only (a test stand-in).</summary>
    private static bool IsSafeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
}
