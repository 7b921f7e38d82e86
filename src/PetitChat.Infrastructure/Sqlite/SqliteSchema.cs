using Microsoft.Data.Sqlite;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The schema as a list of steps; <c>PRAGMA user_version</c> records how many ran, so start-up
/// applies only the missing ones. Append a step to change the schema; never edit a shipped one.
/// </summary>
/// <remarks>
/// Ids are lowercase "D" text: for UUIDv7 that sorts in creation order, which the timeline,
/// the receipt pointers and "last signal" rely on (a Guid's byte array would not, its first
/// fields are little-endian). Times are fixed-width ISO-8601 UTC text with 7 fractional digits:
/// exact round trip of a DateTimeOffset, and text order is time order.
/// </remarks>
internal static class SqliteSchema
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE users (
            id             TEXT NOT NULL PRIMARY KEY,
            subject        TEXT NOT NULL UNIQUE,
            username       TEXT NOT NULL,
            username_lower TEXT NOT NULL,
            display_name   TEXT NOT NULL,
            roles_json     TEXT NOT NULL,
            created_at     TEXT NOT NULL
        );
        CREATE INDEX users_by_username ON users (username_lower, id);

        CREATE TABLE chats (
            id               TEXT NOT NULL PRIMARY KEY,
            kind             TEXT NOT NULL,
            name             TEXT,
            created_by       TEXT NOT NULL,
            created_at       TEXT NOT NULL,
            last_activity_at TEXT NOT NULL,
            last_signal_id   TEXT,
            -- "a:b" with the two member ids sorted: one direct chat per pair, even under races.
            direct_key       TEXT UNIQUE
        );

        CREATE TABLE members (
            chat_id             TEXT NOT NULL REFERENCES chats (id),
            user_id             TEXT NOT NULL REFERENCES users (id),
            joined_at           TEXT NOT NULL,
            delivered_signal_id TEXT,
            delivered_at        TEXT,
            read_signal_id      TEXT,
            read_at             TEXT,
            PRIMARY KEY (chat_id, user_id)
        );
        CREATE INDEX members_by_user ON members (user_id);

        CREATE TABLE signals (
            id         TEXT NOT NULL PRIMARY KEY,
            chat_id    TEXT NOT NULL REFERENCES chats (id),
            kind       TEXT NOT NULL,
            sender_id  TEXT NOT NULL,
            text       TEXT,
            client_id  TEXT,
            created_at TEXT NOT NULL,
            member_id  TEXT,
            call_url   TEXT
        );
        -- sender_id makes it covering for unread counts.
        CREATE INDEX signals_by_chat ON signals (chat_id, id, sender_id);
        CREATE UNIQUE INDEX signals_by_client_id ON signals (chat_id, sender_id, client_id) WHERE client_id IS NOT NULL;

        CREATE TABLE reactions (
            signal_id TEXT NOT NULL REFERENCES signals (id),
            user_id   TEXT NOT NULL,
            emoji     TEXT NOT NULL,
            chat_id   TEXT NOT NULL,
            at        TEXT NOT NULL,
            PRIMARY KEY (signal_id, user_id, emoji)
        );
        CREATE INDEX reactions_by_user ON reactions (user_id, signal_id);

        -- Kept in the same transaction as the reaction rows; a row whose count reaches 0 is dropped,
        -- so first_at is when the emoji was first used among the current reactions.
        CREATE TABLE reaction_counts (
            signal_id TEXT NOT NULL REFERENCES signals (id),
            emoji     TEXT NOT NULL,
            count     INTEGER NOT NULL,
            first_at  TEXT NOT NULL,
            PRIMARY KEY (signal_id, emoji)
        ) WITHOUT ROWID;
        """,
        """
        -- Keycloak gives an email; the embedded issuer does not.
        ALTER TABLE users ADD COLUMN email TEXT;
        """,
        SqliteFileSchema.Step,
        // Search (issue 4): the outbox of search jobs, written with the signals, and the FTS5
        // index. One step, so that it renumbers as a whole when merged after other steps.
        """
        CREATE TABLE search_jobs (
            id        TEXT NOT NULL PRIMARY KEY,
            chat_id   TEXT NOT NULL,
            signal_id TEXT NOT NULL,
            attempts  INTEGER NOT NULL DEFAULT 0,
            due_at    TEXT NOT NULL
        );
        CREATE INDEX search_jobs_by_due ON search_jobs (due_at, id);

        -- Messages sent before this step get indexed too (a job id may be any unique id).
        INSERT INTO search_jobs (id, chat_id, signal_id, due_at)
        SELECT id, chat_id, id, created_at FROM signals WHERE text IS NOT NULL;

        -- One row per indexed signal; doc_id is the rowid of its row in search_text.
        CREATE TABLE search_documents (
            doc_id     INTEGER PRIMARY KEY,
            signal_id  TEXT NOT NULL UNIQUE,
            chat_id    TEXT NOT NULL,
            sender_id  TEXT NOT NULL,
            created_at TEXT NOT NULL
        );

        -- "chat" holds one token per chat ("c" + the id's 32 hex digits), so that a query asks
        -- FTS5 for "this chat AND these words" and reads only this chat's postings. unicode61
        -- with remove_diacritics 2 folds case and accents (cafe finds Café); prefix indexes
        -- make the last word's prefix search cheap for short prefixes.
        CREATE VIRTUAL TABLE search_text USING fts5(
            text, chat,
            tokenize = 'unicode61 remove_diacritics 2',
            prefix = '2 3'
        );
        """,
        SqliteSearchSchema.Step,
        // Calls (issue 15): a call signal's call id, duration and participants, as JSON.
        """
        ALTER TABLE signals ADD COLUMN call_info TEXT;
        """,
        // End-to-end encryption (issue 17): the chat's flag and a signal's sealed message.
        """
        ALTER TABLE chats ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE signals ADD COLUMN encrypted_json TEXT;
        """,
        SqliteConversationSchema.Step,
        SqliteThreadSchema.Step,
        SqliteSearchSchema.TimeKeysStep,
        // Issue 18: since threads, every read of a chat's signals walks the main timeline
        // (signals_main_by_chat, thread_id IS NULL), a thread (signals_by_thread) or ids (the
        // primary key). The first index of all signals by chat was written on every append and read by none.
        "DROP INDEX IF EXISTS signals_by_chat;",
    ];

    public static int Version => Steps.Length;

    /// <summary>The schema version a database has just before <paramref name="step"/> runs (for upgrade tests).</summary>
    internal static int VersionBefore(string step) => Array.IndexOf(Steps, step) is >= 0 and var index
        ? index
        : throw new ArgumentException("Not a step of this schema.", nameof(step));

    /// <summary>The steps a database at <paramref name="version"/> has yet to run (for upgrade tests).</summary>
    internal static IEnumerable<string> StepsAfter(int version) => Steps.Skip(version);

    public static async Task MigrateAsync(SqliteConnection connection, CancellationToken ct)
    {
        // BEGIN IMMEDIATE: two processes starting on the same file must not both run a step.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var current = await ReadVersionAsync(connection, ct);
        if (current > Steps.Length)
        {
            throw new InvalidOperationException(
                $"The database schema is version {current}, newer than this build knows ({Steps.Length}).");
        }

        for (var step = current; step < Steps.Length; step++)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Steps[step];
            await command.ExecuteNonQueryAsync(ct);
        }

        if (current < Steps.Length)
        {
            await using var command = connection.CreateCommand();
            // PRAGMA takes no parameters; the value is this build's own step count.
            command.CommandText = "PRAGMA user_version = " + Steps.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    public static async Task<int> ReadVersionAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
