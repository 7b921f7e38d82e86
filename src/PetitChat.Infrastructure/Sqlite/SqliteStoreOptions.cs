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

    /// <summary>
    /// How a writer waits for the lock: <see cref="SqliteBusyWait.Fine"/> tries every millisecond;
    /// <see cref="SqliteBusyWait.Sqlite"/> is SQLite's own back-off (up to 100 ms between tries), to measure against.
    /// </summary>
    public SqliteBusyWait BusyWait { get; init; } = SqliteBusyWait.Fine;

    /// <summary>
    /// Sends that arrive while a commit is running share the next one (one writer, one
    /// transaction for the batch); off, each send takes the write lock for itself, as before.
    /// </summary>
    public bool GroupCommit { get; init; } = true;

    /// <summary>At most this many sends in one group commit.</summary>
    public int GroupCommitMaxBatch { get; init; } = 128;

    /// <summary>
    /// With group commit, the writer never checkpoints the WAL inside a commit; a background
    /// checkpoint runs after its commits, at most this often.
    /// </summary>
    public TimeSpan CheckpointInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How much the WAL may hold before the writer, between two batches, checkpoints it whole so
    /// that the next commit writes it from its start (a pause of the writes for one copy and sync).
    /// The background checkpoints never block the writer, so under writes without a pause none of
    /// them caught up, SQLite never started the WAL over, and the file grew without end: 37 MB/s
    /// at 800 messages/s. The file stays about this size. A smaller WAL is also quicker to read:
    /// over a minute at 800 messages/s the p99 was 72 ms with no restart, 48 ms at 256 MiB,
    /// 34 ms at 64 MiB and 37 ms at 16 MiB (one run each; docs/decisions/0014, 2026-12-01).
    /// </summary>
    public long WalRestartBytes { get; init; } = 64L * 1024 * 1024;
}
