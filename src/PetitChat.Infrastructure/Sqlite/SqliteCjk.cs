using System.Text;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// How the FTS5 <c>text</c> column holds CJK text. FTS5 has no overlapping tokens, so the bigrams
/// that decide a match live in their own column (<c>cjk</c>), and <c>text</c> keeps the message as
/// written with a zero-width space (U+200B, a separator for unicode61) around each CJK character:
/// each character is then one token, a query's run is also a phrase of characters there, and
/// FTS5's snippet() places the extract on the match and marks exactly the matched characters.
/// The zero-width spaces are taken out of snippets again.
/// </summary>
internal static class SqliteCjk
{
    private const char Gap = '\u200B';

    /// <summary>The text as the <c>text</c> column stores it; unchanged when it has no CJK character.</summary>
    public static string IndexedText(string text)
    {
        if (!CjkText.Contains(text))
        {
            return text;
        }

        var indexed = new StringBuilder(text.Length * 2);
        var previousCjk = false;
        var first = true;
        foreach (var rune in text.EnumerateRunes())
        {
            var cjk = CjkText.IsCjk(rune);
            if (!first && (cjk || previousCjk))
            {
                indexed.Append(Gap);
            }

            indexed.Append(rune.ToString());
            previousCjk = cjk;
            first = false;
        }

        return indexed.ToString();
    }

    /// <summary>
    /// A snippet of the <c>text</c> column as written: without the zero-width spaces, and with the
    /// marks of adjacent matched characters joined (東京 rather than 東 and 京).
    /// </summary>
    public static string Snippet(string snippet) =>
        snippet.Contains(Gap, StringComparison.Ordinal)
            ? snippet.Replace(Gap.ToString(), "", StringComparison.Ordinal)
                .Replace(SearchHighlight.End + SearchHighlight.Start, "", StringComparison.Ordinal)
            : snippet;
}
