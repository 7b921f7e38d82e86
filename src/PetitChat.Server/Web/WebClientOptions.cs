namespace PetitChat.Server.Web;

/// <summary>Configuration section <c>Web</c>: the single-page app the server hosts at <c>/</c>.</summary>
public sealed record WebClientOptions
{
    /// <summary>
    /// The built app (web/dist). Relative paths are read from the server's binaries, where the
    /// build copies it as <c>webclient/</c>.
    /// </summary>
    public string Root { get; init; } = "webclient";

    /// <summary>The OIDC client the app signs in as (a public client with PKCE).</summary>
    public string ClientId { get; init; } = "petitchat-web";

    /// <summary>
    /// The scopes the app asks for. Empty: <c>openid profile offline_access</c> with the embedded
    /// issuer (its refresh token renews silently), <c>openid profile</c> with an external one
    /// (Keycloak gives a refresh token without <c>offline_access</c>, which would make an offline session).
    /// </summary>
    public string? Scope { get; init; }
}
