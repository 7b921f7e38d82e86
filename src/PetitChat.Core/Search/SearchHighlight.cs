namespace PetitChat.Core.Search;

/// <summary>
/// The markers around matched words in a snippet: U+E000 and U+E001, from Unicode's private use
/// area, as Slack's search does. Unlike HTML tags they need no escaping of the text around them
/// and cannot be confused with what a user typed (they are removed from indexed text).
/// </summary>
public static class SearchHighlight
{
    public const string Start = "\uE000";

    public const string End = "\uE001";

    /// <summary>The text without the two marker characters.</summary>
    public static string Strip(string text) =>
        text.Contains(Start[0], StringComparison.Ordinal) || text.Contains(End[0], StringComparison.Ordinal)
            ? text.Replace(Start[0], ' ').Replace(End[0], ' ')
            : text;
}
