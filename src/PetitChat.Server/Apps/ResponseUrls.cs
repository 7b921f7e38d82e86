using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PetitChat.Core.Apps;

namespace PetitChat.Server.Apps;

/// <summary>
/// A command's response url needs no stored state, so any node accepts it: its token is
/// <c>{payload}.{mac}</c>, the payload naming the chat, the caller, the expiry and the command,
/// the mac an HMAC-SHA256 under the app's signing secret (rotating the secret voids old urls).
/// </summary>
public static class ResponseUrls
{
    public sealed record Target(Guid ChatId, Guid UserId, string Command);

    public static string TokenFor(App app, Target target, DateTimeOffset expiresAt)
    {
        var payload = Base64Url(Encoding.UTF8.GetBytes(
            $"{target.ChatId:N}.{target.UserId:N}.{expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{target.Command}"));
        return $"{payload}.{Mac(app, payload)}";
    }

    /// <summary>The target of a token this app made and that has not expired, else null.</summary>
    public static Target? Check(App app, string token, DateTimeOffset now)
    {
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || token.Length > 512)
        {
            return null;
        }

        var payload = token[..dot];
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(app, payload)), Encoding.ASCII.GetBytes(token[(dot + 1)..])))
        {
            return null;
        }

        var parts = Encoding.UTF8.GetString(FromBase64Url(payload)).Split('.');
        return parts.Length == 4
            && Guid.TryParseExact(parts[0], "N", out var chat) && Guid.TryParseExact(parts[1], "N", out var user)
            && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && now.ToUnixTimeSeconds() <= expires
                ? new Target(chat, user, parts[3])
                : null;
    }

    private static string Mac(App app, string payload) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(app.SigningSecret), Encoding.ASCII.GetBytes("response." + payload)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
