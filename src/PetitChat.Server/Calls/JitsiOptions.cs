namespace PetitChat.Server.Calls;

/// <summary>
/// Configuration section <c>Calls:Jitsi</c>: which Jitsi Meet runs the conferences and how its
/// tokens are made. With neither <see cref="AppSecret"/> nor <see cref="PrivateKey"/> no token is
/// made (public meet.jit.si, good enough on a laptop). docs/calls.md has the prosody side.
/// </summary>
public sealed record JitsiOptions
{
    public const string Section = "Calls:Jitsi";

    /// <summary>The Jitsi Meet host the browser opens (and loads <c>external_api.js</c> from).</summary>
    public string Domain { get; init; } = "meet.jit.si";

    /// <summary>The token's <c>iss</c>: prosody's <c>app_id</c> (JaaS: <c>chat</c>).</summary>
    public string AppId { get; init; } = "petitchat";

    /// <summary>HS256 key: prosody's <c>app_secret</c>, at least 32 bytes.</summary>
    public string? AppSecret { get; init; }

    /// <summary>RS256 key (PEM, PKCS#8 or PKCS#1) for 8x8 JaaS, with <see cref="KeyId"/>; takes precedence over the secret.</summary>
    public string? PrivateKey { get; init; }

    /// <summary>The token header's <c>kid</c> with <see cref="PrivateKey"/> (JaaS: the API key id).</summary>
    public string? KeyId { get; init; }

    /// <summary>The token's <c>aud</c> (prosody's <c>asap_accepted_audiences</c>; <c>jitsi</c> by default).</summary>
    public string Audience { get; init; } = "jitsi";

    /// <summary>The token's <c>sub</c>: the Jitsi domain or tenant (JaaS: the AppID); <see cref="Domain"/> when empty.</summary>
    public string? Subject { get; init; }

    /// <summary>How long a join token is valid (<c>exp</c> = now + this).</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// The shared secret that the event-sync prosody component sends as <c>Authorization: Bearer …</c>
    /// (its <c>api_headers</c>). Without it the events endpoint refuses everything.
    /// </summary>
    public string? EventsSecret { get; init; }

    /// <summary>Longest room name accepted from Jitsi's events (ours are 42 characters).</summary>
    public int MaxRoomLength { get; init; } = 200;

    /// <summary>
    /// The tenant whose rooms the conferences are (the path before the room): <see cref="Subject"/>
    /// when it is set and is neither the domain's host nor <c>*</c> (8x8 JaaS: <c>vpaas-magic-cookie-…</c>), else none.
    /// </summary>
    public string? Tenant =>
        string.IsNullOrWhiteSpace(Subject) || Subject == "*"
        || string.Equals(Subject, Domain.Split('/')[0].Split(':')[0], StringComparison.OrdinalIgnoreCase)
        || string.Equals(Subject, Domain, StringComparison.OrdinalIgnoreCase) ? null : Subject;

    public bool SignsTokens => !string.IsNullOrWhiteSpace(PrivateKey) || !string.IsNullOrWhiteSpace(AppSecret);
}
