namespace PetitChat.Infrastructure.Sqlite;

/// <summary>The embedded store, bound from <c>Store:Sqlite</c>.</summary>
public sealed record SqliteStoreOptions
{
    public const string Section = "Store:Sqlite";

    public static SqliteStoreOptions Default { get; } = new();

    /// <summary>The database file; a relative path is resolved against the host's content root.</summary>
    public string Path { get; init; } = "data/petitchat.db";

    /// <summary>How long a writer waits for another one to commit before giving up.</summary>
    public int BusyTimeoutSeconds { get; init; } = 10;
}
