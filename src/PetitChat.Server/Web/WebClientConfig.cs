namespace PetitChat.Server.Web;

/// <summary>
/// What the app needs to sign in, served as <c>GET /config.json</c>. <c>Embedded</c>: the issuer is
/// this server, so the app belongs on the issuer's origin (a token call from another origin
/// would be cross-origin).
/// </summary>
public sealed record WebClientConfig(string Authority, string ClientId, string Scope, bool Embedded);
