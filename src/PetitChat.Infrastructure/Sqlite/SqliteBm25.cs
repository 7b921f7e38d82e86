using System.Globalization;
using System.Text;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// BM25 over the best-first candidates, computed here instead of by FTS5's bm25(). FTS5's bm25()
/// counts, on its first call in a cursor, every document of each phrase (a common word's whole
/// doclist: half a million rows at 1M messages, ~650 ms), whatever the number of rows it ranks.
/// Here the candidates' own text gives term frequency and length, with the index's tokenization
/// (unicode61, case and Latin accents folded; CJK characters one token each, see
/// <see cref="SqliteCjk"/>), and the caller gives each term's IDF (a constant for one term, so
/// that case asks the index nothing more). Same k1 and b as FTS5's bm25(); higher is better.
/// </summary>
internal static class SqliteBm25
{
    private const double K1 = 1.2;
    private const double B = 0.75;

    /// <summary>
    /// The tokens of the FTS5 <c>text</c> column's <paramref name="indexedText"/> as unicode61
    /// with <c>remove_diacritics 2</c> makes them: runs of letters, digits and private-use
    /// characters, case folded, accents of Latin letters taken off (é → e, Ü → u).
    /// </summary>
    public static List<string> Tokens(string indexedText)
    {
        var tokens = new List<string>();
        var token = new StringBuilder();
        for (var i = 0; i < indexedText.Length; i++)
        {
            var c = indexedText[i];
            if (c < 0x80)
            {
                // Most chat text: ASCII, one table test per character.
                if (char.IsAsciiLetterOrDigit(c))
                {
                    token.Append(char.IsAsciiLetterUpper(c) ? (char)(c + 32) : c);
                }
                else
                {
                    Flush(tokens, token);
                }

                continue;
            }

            if (Rune.DecodeFromUtf16(indexedText.AsSpan(i), out var rune, out var length) != System.Buffers.OperationStatus.Done)
            {
                Flush(tokens, token);
                continue;
            }

            i += length - 1;
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
                    or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber or UnicodeCategory.PrivateUse:
                    Fold(rune, token);
                    break;
                case UnicodeCategory.NonSpacingMark when token.Length > 0:
                    // A combining accent inside a word (decomposed text): folded away, the word goes on.
                    if (rune.Value is not (>= 0x300 and <= 0x36F))
                    {
                        token.Append(rune.ToString());
                    }

                    break;
                default:
                    Flush(tokens, token);
                    break;
            }
        }

        Flush(tokens, token);
        return tokens;
    }

    private static void Flush(List<string> tokens, StringBuilder token)
    {
        if (token.Length > 0)
        {
            tokens.Add(token.ToString());
            token.Clear();
        }
    }

    private static void Fold(Rune rune, StringBuilder token)
    {
        var lower = Rune.ToLowerInvariant(rune);
        var bare = lower.Value switch
        {
            >= 0xC0 and < 0x250 => LatinBases[lower.Value - 0xC0],
            >= 0x1E00 and < 0x1F00 => LatinExtendedBases[lower.Value - 0x1E00],
            _ => '.',
        };
        if (bare != '.')
        {
            token.Append(char.ToLowerInvariant(bare));
        }
        else
        {
            token.Append(lower.ToString());
        }
    }

    // The letter each Latin letter with accents decomposes to (Unicode's canonical decomposition
    // into an ASCII letter and combining marks, which is what remove_diacritics takes off); '.' for
    // a letter without one (æ, ø, ß, ł keep theirs, as in FTS5). A table because the server runs
    // with invariant globalization, where string.Normalize does not decompose.
    private const string LatinBases =
        "AAAAAA.CEEEEIIII.NOOOOO..UUUUY..aaaaaa.ceeeeiiii.nooooo..uuuuy.yAaAaAaCcCcCcCcDd..EeEeEeEeEeGgGgGgGgHh..IiIiIiIiI...JjKk.LlLlLl....NnNnNn...OoOoOo..RrRrRrSsSsSsSsTtTt..UuUuUuUuUuUuWwYyYZzZzZz.................................Oo.............Uu............................AaIiOoUuUuUuUuUu.AaAa....GgKkOoOo..j...Gg..NnAa....AaAaEeEeIiIiOoOoRrRrUuUuSsTt..Hh......AaEeOoOoOoOoYy............................";

    private const string LatinExtendedBases =
        "AaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwy......AaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy......";

    /// <summary>
    /// How often the phrase <paramref name="term"/> occurs in <paramref name="tokens"/>: as FTS5
    /// matches it, consecutive tokens, the last one a prefix when <paramref name="prefix"/>.
    /// </summary>
    public static int Frequency(List<string> tokens, IReadOnlyList<string> term, bool prefix)
    {
        var count = 0;
        for (var start = 0; start + term.Count <= tokens.Count; start++)
        {
            if (term.Count > 0 && MatchesAt(tokens, start, term, prefix))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// The distinct token sequences of <paramref name="documents"/> that <paramref name="term"/>
    /// matches (for a prefix, its whole words: "budg"* → "budget", "budgets"), most frequent first,
    /// at most <paramref name="max"/>, each as a phrase of tokens separated by spaces.
    /// </summary>
    public static IReadOnlyList<string> Completions(IEnumerable<List<string>> documents, SqliteSearchTerm term, int max)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var tokens in documents)
        {
            for (var start = 0; term.Tokens.Count > 0 && start + term.Tokens.Count <= tokens.Count; start++)
            {
                if (MatchesAt(tokens, start, term.Tokens, term.Prefix))
                {
                    var phrase = string.Join(' ', tokens.GetRange(start, term.Tokens.Count));
                    seen[phrase] = seen.GetValueOrDefault(phrase) + 1;
                }
            }
        }

        return [.. seen.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(max).Select(p => p.Key)];
    }

    private static bool MatchesAt(List<string> tokens, int start, IReadOnlyList<string> term, bool prefix)
    {
        for (var i = 0; i < term.Count; i++)
        {
            var matches = prefix && i == term.Count - 1
                ? tokens[start + i].StartsWith(term[i], StringComparison.Ordinal)
                : string.Equals(tokens[start + i], term[i], StringComparison.Ordinal);
            if (!matches)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// BM25's inverse document frequency of a term found in <paramref name="matching"/> of
    /// <paramref name="documents"/> documents, as FTS5 computes it (never below 1e-6).
    /// </summary>
    public static double Idf(long documents, long matching) =>
        Math.Max(Math.Log((documents - matching + 0.5) / (matching + 0.5)), 1e-6);

    /// <summary>
    /// The BM25 score of each document (its tokens), given each term's tokens, prefix flag and
    /// IDF; the average length is that of these documents. Every document matched every term (FTS5
    /// said so), so a term this tokenizer does not find in it still counts once.
    /// </summary>
    public static double[] Scores(IReadOnlyList<List<string>> documents, IReadOnlyList<SqliteSearchTerm> terms, IReadOnlyList<double> idf)
    {
        var scores = new double[documents.Count];
        if (documents.Count == 0)
        {
            return scores;
        }

        var average = 0.0;
        foreach (var document in documents)
        {
            average += document.Count;
        }

        average = Math.Max(average / documents.Count, 1);
        for (var d = 0; d < documents.Count; d++)
        {
            var norm = K1 * (1 - B + (B * documents[d].Count / average));
            var score = 0.0;
            for (var t = 0; t < terms.Count; t++)
            {
                var frequency = Math.Max(Frequency(documents[d], terms[t].Tokens, terms[t].Prefix), 1);
                score += idf[t] * (frequency * (K1 + 1) / (frequency + norm));
            }

            scores[d] = score;
        }

        return scores;
    }
}
