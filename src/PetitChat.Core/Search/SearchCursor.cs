using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PetitChat.Core.Paging;

namespace PetitChat.Core.Search;

/// <summary>
/// The opaque cursor of a search page: base64url of "offset:fingerprint", where the fingerprint
/// is a hash of the chat and the query. A cursor used with another chat or query is rejected
/// instead of silently paging through something else.
/// </summary>
public static class SearchCursor
{
    public static string Encode(Guid chatId, string query, int offset) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{offset}:{Fingerprint(chatId, query)}")));

    /// <summary>The offset in <paramref name="cursor"/>; throws <see cref="InvalidCursorException"/> for anything else.</summary>
    public static int Decode(string cursor, Guid chatId, string query)
    {
        string text;
        try
        {
            text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw new InvalidCursorException("The cursor is not one this search issued.");
        }

        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0
            || !int.TryParse(text.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || text[(colon + 1)..] != Fingerprint(chatId, query))
        {
            throw new InvalidCursorException("The cursor is not one this search issued, or it was issued for another query.");
        }

        return offset;
    }

    private static string Fingerprint(Guid chatId, string query) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{chatId:D}\n{query.Trim()}")).AsSpan(0, 8));
}
