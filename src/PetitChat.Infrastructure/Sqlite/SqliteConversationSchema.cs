namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The schema step of conversations (issue 12: edit, delete, reply, mentions, rename), kept in
/// its own file so that a merge can renumber it by moving one line in <see cref="SqliteSchema"/>.
/// </summary>
internal static class SqliteConversationSchema
{
    public const string Step = """
        ALTER TABLE signals ADD COLUMN edited_at TEXT;
        ALTER TABLE signals ADD COLUMN deleted_at TEXT;
        ALTER TABLE signals ADD COLUMN reply_to_id TEXT;
        -- A JSON array of user ids, null when the signal mentions nobody.
        ALTER TABLE signals ADD COLUMN mentions TEXT;
        ALTER TABLE signals ADD COLUMN old_name TEXT;
        ALTER TABLE signals ADD COLUMN new_name TEXT;
        """;
}
