namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The schema step of issue 20 (search in every script, across chats), in its own file so that a
/// merge renumbers it by moving one line in <see cref="SqliteSchema"/>.
/// </summary>
internal static class SqliteSearchSchema
{
    public const string Step =
        """
        -- search_text gets a "cjk" column of overlapping bigrams (CjkText.BigramText), and "text"
        -- holds CJK characters as one token each (U+200B between them) so that snippet() marks
        -- exactly the matched characters. The old rows have neither: drop them and index every
        -- message again through the outbox (INSERT OR IGNORE: a pending job already covers its signal).
        DROP TABLE search_text;
        DELETE FROM search_documents;
        CREATE VIRTUAL TABLE search_text USING fts5(
            text, chat, cjk,
            tokenize = 'unicode61 remove_diacritics 2',
            prefix = '2 3'
        );

        -- Filters of the global search: has:file, and from:/before:/after: within a user's chats.
        ALTER TABLE search_documents ADD COLUMN has_file INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX search_documents_by_chat ON search_documents (chat_id, created_at);

        INSERT OR IGNORE INTO search_jobs (id, chat_id, signal_id, due_at)
        SELECT id, chat_id, id, created_at FROM signals WHERE text IS NOT NULL;
        """;

    /// <summary>
    /// Issue 20 at scale: rowids become time keys (<see cref="SqliteSearchKeys"/>) so that searches
    /// walk matches newest first and stop at a full page. Old rowids were counters: drop the rows
    /// and index every message again through the outbox, in the background, as the step above did.
    /// </summary>
    public const string TimeKeysStep =
        """
        DROP TABLE search_text;
        DELETE FROM search_documents;
        CREATE VIRTUAL TABLE search_text USING fts5(
            text, chat, cjk,
            tokenize = 'unicode61 remove_diacritics 2',
            prefix = '2 3'
        );

        INSERT OR IGNORE INTO search_jobs (id, chat_id, signal_id, due_at)
        SELECT id, chat_id, id, created_at FROM signals
        WHERE encrypted_json IS NULL AND (text IS NOT NULL OR attachment_ids IS NOT NULL);
        """;

    /// <summary>
    /// Empties this file's index and queues every indexable message for the indexer, which fills
    /// an index again in the background: the latest step that rebuilt the index, whose table
    /// layout is today's. A step that changes the layout becomes this one.
    /// </summary>
    public const string IndexAgain = TimeKeysStep;
}
