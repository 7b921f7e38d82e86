namespace PetitChat.Server.Web;

/// <summary>What the app needs to sign in, served as <c>GET /config.json</c>.</summary>
public sealed record WebClientConfig(string Authority, string ClientId, string Scope);
