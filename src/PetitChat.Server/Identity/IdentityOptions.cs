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

    public EmbeddedIssuerOptions Embedded { get; set; } = new();

    /// <summary>Embedded issuer only: the password every user signs in with (development only).</summary>
    public string CliPassword { get; set; } = "petitchat";

    public bool UsesEmbeddedIssuer => string.IsNullOrWhiteSpace(Authority);
}
