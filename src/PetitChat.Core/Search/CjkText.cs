using System.Text;

namespace PetitChat.Core.Search;

/// <summary>
/// Chinese, Japanese and Korean text for search. These scripts do not separate words with
/// spaces (Korean separates phrases, not the particles glued to them), so a word tokenizer keeps a
/// whole run as one token and a word inside it is never found. Lucene's CJK analyzer indexes each
/// run as overlapping bigrams (東京の天気 → 東京 京の の天 天気) and reads a query the same way, so
/// that a word of two or more characters is found wherever it appears; adapters without such an
/// analyzer build the same bigrams with <see cref="Bigrams"/>.
/// </summary>
public static class CjkText
{
    /// <summary>Han ideographs, kana and Hangul: the scripts Lucene's CJKBigramFilter bigrams.</summary>
    public static bool IsCjk(Rune rune) => rune.Value switch
    {
        >= 0x1100 and <= 0x11FF => true, // Hangul Jamo
        >= 0x2E80 and <= 0x2FDF => true, // CJK and Kangxi radicals
        >= 0x3005 and <= 0x3007 => true, // 々 〆 〇
        >= 0x3040 and <= 0x30FF => true, // Hiragana, Katakana (with ー)
        >= 0x3130 and <= 0x318F => true, // Hangul compatibility Jamo
        >= 0x31F0 and <= 0x31FF => true, // Katakana phonetic extensions
        >= 0x3400 and <= 0x4DBF => true, // CJK extension A
        >= 0x4E00 and <= 0x9FFF => true, // CJK unified ideographs
        >= 0xA960 and <= 0xA97F => true, // Hangul Jamo extended A
        >= 0xAC00 and <= 0xD7AF => true, // Hangul syllables
        >= 0xF900 and <= 0xFAFF => true, // CJK compatibility ideographs
        >= 0xFF66 and <= 0xFF9F => true, // half-width Katakana
        >= 0xFFA0 and <= 0xFFDC => true, // half-width Hangul
        >= 0x20000 and <= 0x3FFFF => true, // CJK extensions B and later
        _ => false,
    };

    /// <summary>Whether <paramref name="text"/> has at least one CJK character.</summary>
    public static bool Contains(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsCjk(rune))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The pieces of <paramref name="text"/>, in order: runs of CJK characters and runs of
    /// everything else, so that "iPhone的价格" is "iPhone" then "的价格".
    /// </summary>
    public static IReadOnlyList<(string Text, bool IsCjk)> Runs(string text)
    {
        var runs = new List<(string, bool)>();
        var start = 0;
        bool? current = null;
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var cjk = IsCjk(rune);
            if (current is { } previous && previous != cjk)
            {
                runs.Add((text[start..index], previous));
                start = index;
            }

            current = cjk;
            index += rune.Utf16SequenceLength;
        }

        if (current is { } last)
        {
            runs.Add((text[start..], last));
        }

        return runs;
    }

    /// <summary>
    /// The overlapping bigrams of one CJK run, in order (天気は → 天気 気は); a run of one character
    /// is its own token, as Lucene's CJKBigramFilter emits a lone character as a unigram.
    /// </summary>
    public static IReadOnlyList<string> Bigrams(string run)
    {
        var runes = run.EnumerateRunes().ToArray();
        if (runes.Length == 1)
        {
            return [run];
        }

        var bigrams = new List<string>(runes.Length - 1);
        for (var i = 0; i + 1 < runes.Length; i++)
        {
            bigrams.Add(string.Concat(runes[i].ToString(), runes[i + 1].ToString()));
        }

        return bigrams;
    }

    /// <summary>Every CJK run of <paramref name="text"/> as bigrams separated by spaces: what an index column of bigrams holds.</summary>
    public static string BigramText(string text)
    {
        var bigrams = new StringBuilder();
        foreach (var (run, cjk) in Runs(text))
        {
            if (!cjk)
            {
                continue;
            }

            foreach (var bigram in Bigrams(run))
            {
                bigrams.Append(bigrams.Length == 0 ? "" : " ").Append(bigram);
            }

            // A token between runs (never a CJK query word) keeps 東京。京都 from matching 東京都.
            bigrams.Append(" 0");
        }

        return bigrams.ToString();
    }
}
