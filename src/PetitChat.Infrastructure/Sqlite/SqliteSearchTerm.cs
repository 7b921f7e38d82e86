using System.Text;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// One piece of a user's query as FTS5 matches it: a run of one word (a word is split where its
/// script changes between CJK and other, see <see cref="CjkText.Runs"/>). <see cref="Expression"/>
/// is its FTS5 condition; <see cref="Tokens"/> the phrase it looks for in the <c>text</c> column,
/// folded as <see cref="SqliteBm25.Tokens"/> folds a document, for ranking.
/// </summary>
internal sealed record SqliteSearchTerm(string Expression, IReadOnlyList<string> Tokens, bool Prefix)
{
    /// <summary>
    /// The terms of <paramref name="words"/>, in order; none for a word with nothing to find.
    /// Every user word is an FTS5 string: inside double quotes nothing is syntax, and a quote is
    /// written twice. The last word is a prefix. A CJK run is matched as its phrase of bigrams in
    /// <c>cjk</c> (Lucene's CJK analyzer) and as its phrase of characters in <c>text</c>, which
    /// places the snippet and marks the matched characters (see <see cref="SqliteCjk"/>).
    /// </summary>
    public static IReadOnlyList<SqliteSearchTerm> Of(IReadOnlyList<string> words)
    {
        var terms = new List<SqliteSearchTerm>();
        for (var i = 0; i < words.Count; i++)
        {
            var runs = CjkText.Runs(words[i]);
            for (var r = 0; r < runs.Count; r++)
            {
                var (run, cjk) = runs[r];
                if (!cjk)
                {
                    if (HasLetterOrDigit(run))
                    {
                        var prefix = i == words.Count - 1 && r == runs.Count - 1;
                        terms.Add(new($"text : {Quote(run)}{(prefix ? "*" : "")}", SqliteBm25.Tokens(run), prefix));
                    }

                    continue;
                }

                var characters = string.Join(' ', run.EnumerateRunes());
                var phrase = $"text : {Quote(characters)}";
                var expression = run.EnumerateRunes().Skip(1).Any()
                    ? $"cjk : {Quote(string.Join(' ', CjkText.Bigrams(run)))} AND {phrase}"
                    : phrase;
                terms.Add(new(expression, SqliteBm25.Tokens(characters), false));
            }
        }

        return terms;
    }

    /// <summary>
    /// The same term without its prefix, as FTS5 can find it without merging every word that
    /// starts with it: <paramref name="completions"/> (whole words this prefix matched, from
    /// <see cref="SqliteBm25.Completions"/>) in an OR. FTS5 builds a prefix's doclist by merging
    /// the whole doclist of every word it covers, once per cursor: for a common word at a million
    /// messages, tens of milliseconds each time. Itself when it is no prefix or has no completion.
    /// </summary>
    public string ExactExpression(IReadOnlyList<string> completions) =>
        Prefix && completions.Count > 0
            ? "(" + string.Join(" OR ", completions.Select(c => $"text : {Quote(c)}")) + ")"
            : Expression;

    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static bool HasLetterOrDigit(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                return true;
            }
        }

        return false;
    }
}
