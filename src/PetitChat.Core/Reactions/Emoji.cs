using System.Globalization;
using System.Text;

namespace PetitChat.Core.Reactions;

/// <summary>
/// What counts as a reaction: one short emoji sequence (with skin tones, joiners, flags and
/// keycaps), not free text, so that reactions stay a small, bounded vocabulary.
/// </summary>
public static class Emoji
{
    public const int MaxLength = 32;

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !value.IsNormalized())
        {
            return false;
        }

        var pictographs = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.OtherSymbol:
                    pictographs++;
                    break;
                case UnicodeCategory.ModifierSymbol: // skin tones U+1F3FB..1F3FF
                case UnicodeCategory.EnclosingMark: // keycap U+20E3
                case UnicodeCategory.NonSpacingMark: // variation selectors U+FE0E/FE0F
                    break;
                case UnicodeCategory.Format when rune.Value is 0x200D or (>= 0xE0020 and <= 0xE007F): // ZWJ, tag sequences
                    break;
                case UnicodeCategory.DecimalDigitNumber or UnicodeCategory.OtherPunctuation
                    when rune.Value is (>= '0' and <= '9') or '#' or '*': // keycap bases
                    break;
                default:
                    return false;
            }
        }

        return pictographs > 0 || value.Contains('\u20E3', StringComparison.Ordinal);
    }
}
