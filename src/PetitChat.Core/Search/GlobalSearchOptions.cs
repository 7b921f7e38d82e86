namespace PetitChat.Core.Search;

/// <summary>The search across a user's chats; configuration section <c>Search:Global</c>.</summary>
public sealed record GlobalSearchOptions
{
    public const string Section = "Search:Global";

    public static GlobalSearchOptions Default { get; } = new();

    /// <summary>
    /// Chats one search covers at most (the caller's most recently active ones first), so that a
    /// user in thousands of chats cannot make one query unbounded.
    /// </summary>
    public int MaxChats { get; init; } = 1000;
}
