namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The schema step of threads (issue 12), kept in its own file so that a merge can renumber it
/// by moving one line in <see cref="SqliteSchema"/>.
/// </summary>
internal static class SqliteThreadSchema
{
    public const string Step = """
        -- Set on a thread reply: the root it answers. Replies stay in signals (so edits, deletes,
        -- reactions and receipts find them) but out of every main-timeline query.
        ALTER TABLE signals ADD COLUMN thread_id TEXT;
        -- On a root: its summary, changed in the transaction of each reply.
        ALTER TABLE signals ADD COLUMN thread_reply_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE signals ADD COLUMN thread_last_reply_at TEXT;
        -- A JSON array of the first repliers' ids, bounded (ThreadSummary.MaxParticipants).
        ALTER TABLE signals ADD COLUMN thread_participants TEXT;
        -- The main timeline and its unread counts walk only signals outside threads.
        CREATE INDEX signals_main_by_chat ON signals (chat_id, id, sender_id) WHERE thread_id IS NULL;
        CREATE INDEX signals_by_thread ON signals (thread_id, id) WHERE thread_id IS NOT NULL;
        """;
}
