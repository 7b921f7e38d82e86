using System.Globalization;
using System.Text;

namespace PetitChat.Core.Files;

/// <summary>
/// Cleans an uploaded file's name for display and for Content-Disposition. The result is never
/// used as a path (blobs live under their hash), but it is still made harmless: no folders,
/// no control or bidirectional-override characters, no leading dots, bounded length.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 200;

    public static string Sanitize(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "file";
        }

        // Only the last segment: "../../etc/passwd" and "C:\x\y.txt" keep "passwd" and "y.txt".
        var last = name.Replace('\\', '/');
        last = last[(last.LastIndexOf('/') + 1)..];

        var cleaned = new StringBuilder(last.Length);
        foreach (var rune in last.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                || rune.Value is '"' or '<' or '>' or ':' or '|' or '?' or '*')
            {
                cleaned.Append('_');
            }
            else
            {
                cleaned.Append(rune.ToString());
            }
        }

        var result = cleaned.ToString().Trim().TrimStart('.').Trim();
        if (result.Length > MaxLength)
        {
            // Cut on a character boundary, keeping the extension when it is short.
            var extension = Path.GetExtension(result);
            var keep = extension.Length is > 0 and <= 16 ? extension : "";
            var stem = result[..(MaxLength - keep.Length)];
            if (char.IsHighSurrogate(stem[^1]))
            {
                stem = stem[..^1];
            }

            result = stem + keep;
        }

        return result.Length == 0 ? "file" : result;
    }
}
