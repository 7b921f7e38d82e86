namespace PetitChat.Core.Search;

/// <summary>How a reindex walks the store; configuration section <c>Search:Reindex</c>.</summary>
public sealed record SearchReindexOptions
{
    public const string Section = "Search:Reindex";

    public static SearchReindexOptions Default { get; } = new();

    /// <summary>Signals walked, and jobs written, per step; progress is saved after each.</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>How often a node looks for a run started elsewhere (or left by a node that stopped).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(10);
}
