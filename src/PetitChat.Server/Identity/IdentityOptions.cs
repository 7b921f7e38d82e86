namespace PetitChat.Server.Identity;

/// <summary>
/// Who issues the tokens the API accepts. With <see cref="Authority"/> empty the server runs
/// its embedded development issuer and validates its tokens the same way it would a
/// Keycloak realm's: through discovery and JWKS over HTTP.
/// </summary>
public sealed class IdentityOptions
{
    /// <summary>An external OIDC issuer (a Keycloak realm URL); empty runs the embedded issuer.</summary>
    public string? Authority { get; set; }

    /// <summary>The audience access tokens must carry (Keycloak: an Audience mapper).</summary>
    public string Audience { get; set; } = "petitchat-api";

    /// <summary>Tolerated clock difference between the issuer and this server.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Realm roles (<c>realm_access.roles</c>) that make a Petit chat administrator. Every
    /// signed-in user has the <c>user</c> role.
    /// </summary>
    public string[] AdminRoles { get; set; } = ["admin", "petitchat-admin"];

    /// <summary>How often the issuer's signing keys (JWKS) are fetched again, so that a removed key stops working.</summary>
    public TimeSpan KeysRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The least time between two fetches caused by a token signed with an unknown key
    /// (a new key after rotation is picked up then), so that forged kids cannot flood the issuer.
    /// </summary>
    public TimeSpan KeysMinRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a validated access token is trusted without validating it again (never past its
    /// expiry); zero validates every request. It bounds how long a token signed with a key that
    /// the issuer removed keeps working here after the keys are next fetched (<see cref="ValidatedTokens"/>).
    /// </summary>
    public TimeSpan ValidatedTokenLifetime { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Validated tokens kept at most (each holds its text and claims, a few KB); beyond it the
    /// expired go, and all of them if none has. Small, because every open event stream validated
    /// its token once: the bound keeps idle streams from each holding an entry.
    /// </summary>
    public int MaxValidatedTokens { get; set; } = 1_000;

    public EmbeddedIssuerOptions Embedded { get; set; } = new();

    /// <summary>The embedded issuer's public default password, refused outside Development.</summary>
    public const string DefaultCliPassword = "petitchat";

    /// <summary>Embedded issuer only: the password every user signs in with (development only).</summary>
    public string CliPassword { get; set; } = DefaultCliPassword;

    public bool UsesEmbeddedIssuer => string.IsNullOrWhiteSpace(Authority);
}
