namespace PetitChat.Infrastructure.Sqlite;

/// <summary>The embedded search index (SQLite FTS5), bound from <c>Search:Sqlite</c>.</summary>
public sealed record SqliteSearchOptions
{
    public const string Section = "Search:Sqlite";

    /// <summary>
    /// The database file; empty (the default) means one beside the chat store's file
    /// (<see cref="BesideStore"/>). A relative path is resolved against the host's content root.
    /// The store's own file (<c>Store:Sqlite:Path</c>) works too, but there the indexer's
    /// transactions hold the write lock that every send's commit waits for: FTS5 merges its
    /// segments in them, for tens of milliseconds once it holds a million messages
    /// (docs/decisions/0014, 2026-12-03 (5)).
    /// </summary>
    public string? Path { get; init; }

    /// <summary>The default index file for a store file: <c>data/petitchat.db</c> gives <c>data/petitchat.search.db</c>.</summary>
    public static string BesideStore(string storePath) => System.IO.Path.ChangeExtension(storePath, ".search.db");

    /// <summary>Words shown around the first match in a snippet.</summary>
    public int SnippetWords { get; init; } = 16;

    /// <summary>
    /// Best-first searches rank the newest this many matches by relevance (BM25), not every match:
    /// a common word matches half a million messages at 1M, and ranking them all took most of a
    /// second. At least the deepest page a search can reach (<c>Chats:MaxSearchHits</c>, 1,000).
    /// </summary>
    public int BestCandidates { get; init; } = 1000;

    /// <summary>
    /// A best-first search of several words weighs each word by how rare it is among the newest
    /// this many messages of the index (its IDF), not among all of them: counting a common word's
    /// documents in a million messages cost more than the rest of the search (decision 0019).
    /// </summary>
    public int IdfWindow { get; init; } = 10_000;

    /// <summary>How long a writer waits for another one to commit before giving up.</summary>
    public int BusyTimeoutSeconds { get; init; } = 10;
}
