namespace PetitChat.Infrastructure.Meilisearch;

/// <summary>The production search index, bound from <c>Search:Meilisearch</c>.</summary>
public sealed record MeilisearchOptions
{
    public const string Section = "Search:Meilisearch";

    /// <summary>Where Meilisearch listens, such as <c>http://meilisearch:7700</c>.</summary>
    public Uri? Url { get; init; }

    /// <summary>
    /// An API key with the actions the server uses (search, documents.add, documents.delete,
    /// indexes.create, settings.update, tasks.get on its index), sent as a bearer token. Empty for
    /// an instance without a master key (development only).
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>The index of messages; created with its settings at start-up when missing.</summary>
    public string Index { get; init; } = "petitchat-messages";

    /// <summary>Words of context in a snippet (Meilisearch's <c>cropLength</c>).</summary>
    public int SnippetWords { get; init; } = 16;

    /// <summary>How long one HTTP call may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a write waits for its task to finish before the indexer retries it.</summary>
    public TimeSpan TaskTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest pause between two polls of a task (polls start faster).</summary>
    public TimeSpan TaskPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}
