using System.Security.Cryptography;
using System.Text;

namespace PetitChat.Core.Apps;

/// <summary>
/// Secrets given out once (bot tokens, webhook tokens, signing secrets) and their stored form:
/// 32 random bytes as base64url; only the SHA-256 hex of a token is stored, and a presented
/// token is compared with it in constant time.
/// </summary>
public static class AppTokens
{
    /// <summary>Bot tokens start with this, so the server tells them from OIDC access tokens without parsing.</summary>
    public const string BotPrefix = "pcb_";

    public static string NewSecret() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A bot token names its app (<c>pcb_{appId}_{secret}</c>), so checking it is one key read.</summary>
    public static string NewBotToken(Guid appId) => $"{BotPrefix}{appId:N}_{NewSecret()}";

    /// <summary>The app id a bot token names, or null when it is not shaped like one.</summary>
    public static Guid? AppIdOf(string token) =>
        token.StartsWith(BotPrefix, StringComparison.Ordinal) && token.Length > BotPrefix.Length + 33 && token[BotPrefix.Length + 32] == '_'
        && Guid.TryParseExact(token.AsSpan(BotPrefix.Length, 32), "N", out var id)
            ? id
            : null;

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Whether <paramref name="token"/> hashes to <paramref name="storedHash"/>; an empty stored hash (revoked) matches nothing.</summary>
    public static bool Matches(string token, string storedHash)
    {
        if (storedHash.Length == 0)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(token)), Encoding.ASCII.GetBytes(storedHash));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
