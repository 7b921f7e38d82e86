using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The schema step of attachments (files, blob reference counts, image settings, and the
/// attachment ids of a signal), kept in its own file so that a merge can renumber it by moving
/// one line in <see cref="SqliteSchema"/>.
/// </summary>
internal static class SqliteFileSchema
{
    public const string Step = """
        -- One row per distinct bytes; key is the hash plus a generation (see BlobRecord).
        CREATE TABLE blobs (
            sha256       TEXT NOT NULL PRIMARY KEY,
            blob_key     TEXT NOT NULL,
            ref_count    INTEGER NOT NULL,
            stored       INTEGER NOT NULL DEFAULT 0,
            size         INTEGER,
            content_type TEXT,
            width        INTEGER,
            height       INTEGER,
            has_preview  INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;

        CREATE TABLE files (
            id          TEXT NOT NULL PRIMARY KEY,
            chat_id     TEXT NOT NULL,
            uploader_id TEXT NOT NULL,
            name        TEXT NOT NULL,
            sha256      TEXT NOT NULL REFERENCES blobs (sha256),
            created_at  TEXT NOT NULL
        );
        CREATE INDEX files_by_chat ON files (chat_id, id);

        CREATE TABLE image_settings (
            user_id            TEXT NOT NULL PRIMARY KEY,
            auto_load_images   INTEGER NOT NULL,
            low_quality_images INTEGER NOT NULL
        ) WITHOUT ROWID;

        -- A JSON array of file ids, written in the signal's own INSERT; NULL when there are none.
        ALTER TABLE signals ADD COLUMN attachment_ids TEXT;
        """;
}
