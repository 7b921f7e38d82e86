namespace PetitChat.Infrastructure.Notifications;

/// <summary>
/// Configuration section <c>Notifications:Outbound</c>: where the notification HTTP client may
/// connect. Webhook URLs and push endpoints come from users, so by default only public addresses
/// are reached (no SSRF into the server's own network).
/// </summary>
public sealed record OutboundHttpOptions
{
    public const string Section = "Notifications:Outbound";

    /// <summary>Allow 127.0.0.0/8 and ::1 (tests, a push endpoint on the same machine).</summary>
    public bool AllowLoopback { get; init; }

    /// <summary>Allow private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7) and link-local (169.254/16, fe80::/10) addresses.</summary>
    public bool AllowPrivateNetworks { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}
