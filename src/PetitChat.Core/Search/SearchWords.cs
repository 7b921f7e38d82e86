namespace PetitChat.Core.Search;

public static class SearchWords
{
    /// <summary>Words beyond this many are ignored, so one query cannot ask for unbounded work.</summary>
    public const int MaxWords = 16;

    /// <summary>
    /// The words of a user's query: split on white space, keeping only pieces with at least one
    /// letter or digit (a lone <c>*</c> or <c>"</c> finds nothing anyway). Control characters
    /// (NUL ends a C string inside an engine) separate words. Punctuation inside a piece is kept;
    /// each adapter makes it plain text for its engine.
    /// </summary>
    public static IReadOnlyList<string> Split(string query)
    {
        var words = new List<string>();
        var text = query.Any(char.IsControl) ? new string([.. query.Select(c => char.IsControl(c) ? ' ' : c)]) : query;
        foreach (var piece in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (words.Count == MaxWords)
            {
                break;
            }

            foreach (var c in piece)
            {
                if (char.IsLetterOrDigit(c))
                {
                    words.Add(SearchHighlight.Strip(piece));
                    break;
                }
            }
        }

        return words;
    }
}
