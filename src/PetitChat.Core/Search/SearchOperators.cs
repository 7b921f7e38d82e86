using System.Text;

namespace PetitChat.Core.Search;

/// <summary>
/// A global search query as typed, split into its words and its filter operators, as Slack and
/// Mattermost read them: <c>from:@username</c>, <c>in:name</c> (or <c>in:"a chat name"</c>),
/// <c>before:date</c>, <c>after:date</c>, <c>has:file</c>. An operator is recognised only at the
/// start of a word and only with a value; anything else is a word. A repeated operator keeps its
/// last value. Values are checked by <see cref="GlobalSearchService"/>, which names them.
/// </summary>
public sealed record SearchOperators(string Words, string? From, string? In, string? Before, string? After, string? Has)
{
    private static readonly string[] Names = ["from:", "in:", "before:", "after:", "has:"];

    public static SearchOperators Parse(string? query)
    {
        var words = new StringBuilder();
        string? from = null, @in = null, before = null, after = null, has = null;
        var pieces = (query ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < pieces.Length; i++)
        {
            var piece = pieces[i];
            var name = Array.Find(Names, n => piece.StartsWith(n, StringComparison.OrdinalIgnoreCase) && piece.Length > n.Length);
            if (name is null)
            {
                words.Append(words.Length == 0 ? "" : " ").Append(piece);
                continue;
            }

            var value = piece[name.Length..];
            if (value.StartsWith('"'))
            {
                // A quoted value runs to the piece that closes the quotes (or to the end).
                var quoted = new StringBuilder(value[1..]);
                while (!(quoted.Length > 0 && quoted[^1] == '"') && i + 1 < pieces.Length)
                {
                    quoted.Append(' ').Append(pieces[++i]);
                }

                value = quoted.ToString().TrimEnd('"').Trim();
            }

            if (value.Length == 0)
            {
                continue;
            }

            switch (name)
            {
                case "from:":
                    from = value;
                    break;
                case "in:":
                    @in = value;
                    break;
                case "before:":
                    before = value;
                    break;
                case "after:":
                    after = value;
                    break;
                default:
                    has = value;
                    break;
            }
        }

        return new SearchOperators(words.ToString(), from, @in, before, after, has);
    }
}
