using System.Buffers.Text;
using System.Text;
using PetitChat.Core.Paging;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Keyset cursors: the sort key and id of the last row of a page, as base64url of
/// "id:key" (the id first because it has a fixed length and the key may hold any character).
/// Opaque to callers; a store that changes its format only has to keep reading old ones for a page's lifetime.
/// </summary>
internal static class SqliteCursor
{
    public static string Encode(Guid id, string key) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{id:D}:{key}"));

    public static (Guid Id, string Key) Decode(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (text.Length > 36 && text[36] == ':' && Guid.TryParseExact(text.AsSpan(0, 36), "D", out var id))
            {
                return (id, text[37..]);
            }
        }
        catch (FormatException)
        {
            // Reported below with the same message as any other malformed cursor.
        }

        throw new InvalidCursorException("The cursor is not one this store issued.");
    }
}
