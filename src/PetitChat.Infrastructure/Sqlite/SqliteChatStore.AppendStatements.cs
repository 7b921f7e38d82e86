using System.Text.Json;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Search;
using PetitChat.Core.Signals;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string InsertSignalSql = $"""
        INSERT INTO signals ({SignalColumns})
        VALUES (@id, @chatId, @kind, @senderId, @text, @clientId, @createdAt, @memberId, @callUrl, @attachmentIds, @callInfo, @encrypted,
                NULL, NULL, @replyToId, @mentions, @oldName, @newName, @threadId, 0, NULL, NULL)
        ON CONFLICT (chat_id, sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
        """;

    private const string InsertSearchJobSql =
        "INSERT INTO search_jobs (id, chat_id, signal_id, due_at) VALUES (@id, @chatId, @signalId, @dueAt)";

    // Only forward: a signal appended late with an older id must not hide the newest one.
    private const string TouchChatSql = """
        UPDATE chats SET
            last_activity_at = max(last_activity_at, @createdAt),
            last_signal_id = CASE WHEN last_signal_id IS NULL OR last_signal_id < @id THEN @id ELSE last_signal_id END
        WHERE id = @chatId
        """;

    // What I sent I have seen: both of the sender's pointers move, each only forward, in one
    // statement. The signal was inserted just before in the same transaction, so the check that
    // a receipt names a signal of the chat (MoveDelivered, MoveRead) holds by construction here.
    private const string MoveSenderPointersSql = """
        UPDATE members SET
            delivered_signal_id = CASE WHEN delivered_signal_id IS NULL OR delivered_signal_id < @id THEN @id ELSE delivered_signal_id END,
            delivered_at = CASE WHEN delivered_signal_id IS NULL OR delivered_signal_id < @id THEN @at ELSE delivered_at END,
            read_signal_id = CASE WHEN read_signal_id IS NULL OR read_signal_id < @id THEN @id ELSE read_signal_id END,
            read_at = CASE WHEN read_signal_id IS NULL OR read_signal_id < @id THEN @at ELSE read_at END
        WHERE chat_id = @chatId AND user_id = @userId
          AND (delivered_signal_id IS NULL OR delivered_signal_id < @id OR read_signal_id IS NULL OR read_signal_id < @id)
        """;

    /// <summary>The append itself, for callers that already hold a write transaction.</summary>
    private static async Task<AppendResult> AppendInTransactionAsync(SqliteTransaction transaction, Signal signal, CancellationToken ct)
    {
        await using var statements = new AppendStatements(transaction.Connection!);
        statements.Enlist(transaction);
        return await statements.AppendAsync(signal, ct);
    }

    /// <summary>
    /// The statements of an append on one connection, compiled by SQLite on their first run and run
    /// again with new values after. Microsoft.Data.Sqlite keeps a command's compiled statements for
    /// as long as the command lives and its text stays the same; a new command per statement (what
    /// <see cref="SqliteCommands.Command"/> makes) compiles its SQL on every run, which was a fifth
    /// of the group-commit writer's time (docs/decisions/0014, 2026-11-30 (4)). The writer keeps one
    /// of these on its own connection across batches; other appends (a member joining, a rename)
    /// make one for their single append.
    /// </summary>
    private sealed class AppendStatements : IAsyncDisposable
    {
        private readonly SqliteCommand _insert;
        private readonly SqliteCommand _searchJob;
        private readonly SqliteCommand _touchChat;
        private readonly SqliteCommand _movePointers;
        private readonly SqliteCommand _save;
        private readonly SqliteCommand _release;
        private readonly SqliteCommand _rollback;

        public AppendStatements(SqliteConnection connection)
        {
            Connection = connection;
            _insert = Prepare(connection, InsertSignalSql, "@id", "@chatId", "@kind", "@senderId", "@text", "@clientId", "@createdAt", "@memberId",
                "@callUrl", "@attachmentIds", "@callInfo", "@encrypted", "@replyToId", "@mentions", "@oldName", "@newName", "@threadId");
            _searchJob = Prepare(connection, InsertSearchJobSql, "@id", "@chatId", "@signalId", "@dueAt");
            _touchChat = Prepare(connection, TouchChatSql, "@id", "@chatId", "@createdAt");
            _movePointers = Prepare(connection, MoveSenderPointersSql, "@id", "@at", "@chatId", "@userId");
            _save = Prepare(connection, "SAVEPOINT append");
            _release = Prepare(connection, "RELEASE append");
            _rollback = Prepare(connection, "ROLLBACK TO append");
        }

        public SqliteConnection Connection { get; }

        /// <summary>Points every statement at the connection's transaction (a command must name the one that is open).</summary>
        public void Enlist(SqliteTransaction transaction)
        {
            foreach (var command in (ReadOnlySpan<SqliteCommand>)[_insert, _searchJob, _touchChat, _movePointers, _save, _release, _rollback])
            {
                command.Transaction = transaction;
            }
        }

        // Savepoints are transaction control, like BEGIN and COMMIT: not counted on the meter.

        /// <summary>Opens the savepoint of one append of a batch, so that a failed one is undone alone.</summary>
        public void Save() => _save.ExecuteNonQuery();

        public void Release() => _release.ExecuteNonQuery();

        /// <summary>Undoes the current append's rows and closes its savepoint.</summary>
        public void RollBack()
        {
            _rollback.ExecuteNonQuery();
            _release.ExecuteNonQuery();
        }

        public async Task<AppendResult> AppendAsync(Signal signal, CancellationToken ct)
        {
            var (id, chatId, senderId, createdAt) = (ToText(signal.Id), ToText(signal.ChatId), ToText(signal.SenderId), ToText(signal.CreatedAt));
            // The unique index on (chat, sender, client id) decides idempotency; when the insert is
            // skipped, the row that won is read in the same transaction, so parallel sends agree.
            var inserted = Run(_insert,
                id, chatId, StoredNames.Of(signal.Kind), senderId, signal.Text, signal.ClientId, createdAt, ToText(signal.MemberId), signal.CallUrl,
                signal.AttachmentIds.Count == 0 ? null : ToJsonArray(signal.AttachmentIds),
                StoredSignalCall.Write(signal.Call),
                signal.Encrypted is null ? null : JsonSerializer.Serialize(signal.Encrypted, SqliteJsonContext.Default.EncryptedPayload),
                ToText(signal.ReplyToId),
                signal.Mentions.Count == 0 ? null : ToJsonArray(signal.Mentions),
                signal.OldName, signal.NewName, ToText(signal.ThreadId));
            if (inserted == 0)
            {
                var first = await QueryAsync(Connection, $"""
                    SELECT {SignalColumns} FROM signals
                    WHERE chat_id = @chatId AND sender_id = @senderId AND client_id = @clientId
                    """, reader => ReadSignal(reader, 0), ct,
                    ("@chatId", chatId), ("@senderId", senderId), ("@clientId", signal.ClientId));
                var reactions = await ReadReactionCountsAsync(Connection, [first[0].Id], ct);
                return new AppendResult(WithReactions(first[0], reactions), false);
            }

            if (SearchDocument.Indexes(signal))
            {
                Run(_searchJob, ToText(Guid.CreateVersion7(signal.CreatedAt)), chatId, id, createdAt);
            }

            if (signal.ThreadId is { } rootId)
            {
                // Not in the main timeline: no activity, last signal or pointers move, only the root's summary.
                await AddThreadReplyAsync(Connection, signal, rootId, ct);
                return new AppendResult(signal with { Reactions = [] }, true);
            }

            Run(_touchChat, id, chatId, createdAt);
            Run(_movePointers, id, createdAt, chatId, senderId);
            return new AppendResult(signal with { Reactions = [] }, true);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var command in (SqliteCommand[])[_insert, _searchJob, _touchChat, _movePointers, _save, _release, _rollback])
            {
                await command.DisposeAsync();
            }
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql, params ReadOnlySpan<string> names)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in names)
            {
                command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }

            return command;
        }

        /// <summary>Runs <paramref name="command"/> with these values, in the order its parameters were declared.</summary>
        private static int Run(SqliteCommand command, params ReadOnlySpan<object?> values)
        {
            Telemetry.StoreMetrics.SqliteStatement();
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i] ?? DBNull.Value;
            }

            return command.ExecuteNonQuery();
        }
    }
}
