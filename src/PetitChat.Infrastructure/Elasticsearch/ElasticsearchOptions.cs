namespace PetitChat.Infrastructure.Elasticsearch;

/// <summary>The production search index on Elasticsearch 8.x or 9.x, bound from <c>Search:Elasticsearch</c>.</summary>
public sealed record ElasticsearchOptions
{
    public const string Section = "Search:Elasticsearch";

    /// <summary>Where Elasticsearch listens, such as <c>https://elasticsearch:9200</c>.</summary>
    public Uri? Url { get; init; }

    /// <summary>An API key (the base64 <c>encoded</c> value), sent as <c>Authorization: ApiKey …</c>. Wins over a user name.</summary>
    public string? ApiKey { get; init; }

    /// <summary>A user for basic authentication when there is no API key.</summary>
    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>The index of messages; created with its analyzer and mappings at start-up when missing.</summary>
    public string Index { get; init; } = "petitchat-messages";

    /// <summary>Primary shards of the index when it is created (documents are routed by chat).</summary>
    public int Shards { get; init; } = 1;

    /// <summary>Replicas of each shard when the index is created.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Characters of a snippet (the highlighter's <c>fragment_size</c>).</summary>
    public int SnippetChars { get; init; } = 120;

    /// <summary>How long one HTTP call may take.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
