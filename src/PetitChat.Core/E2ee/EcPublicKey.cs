namespace PetitChat.Core.E2ee;

/// <summary>A P-256 public key by its coordinates, base64url without padding (a JWK's <c>x</c> and <c>y</c>).</summary>
public sealed record EcPublicKey(string X, string Y);
