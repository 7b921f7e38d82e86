using PetitChat.Core.E2ee;

namespace PetitChat.Server.E2ee;

/// <summary>A P-256 public key as a JWK (RFC 7517/7518): what WebCrypto's <c>exportKey("jwk")</c> gives, without <c>d</c>.</summary>
public sealed record JwkDto(string? Kty, string? Crv, string? X, string? Y)
{
    /// <summary>The key, or null when this is not a P-256 public JWK (a private key's <c>d</c> is refused too).</summary>
    public EcPublicKey? ToKey() =>
        Kty == "EC" && Crv == "P-256" && D is null && X is { } x && Y is { } y ? new EcPublicKey(x, y) : null;

    /// <summary>Only read to refuse it: a private key never goes to the server.</summary>
    public string? D { get; init; }

    public static JwkDto From(EcPublicKey key) => new("EC", "P-256", key.X, key.Y);
}
