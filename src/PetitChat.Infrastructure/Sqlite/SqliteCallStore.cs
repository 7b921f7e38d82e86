using System.Globalization;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Calls;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Calls in the same SQLite file as the chats, in tables of their own with their own schema
/// version (<c>schema_parts</c> row 'calls'). One running call per chat is a partial unique index
/// (<c>calls_running</c>); every change runs in one write transaction, so the version check of
/// <see cref="EndAsync"/> and the change it guards cannot interleave with another writer.
/// </summary>
public sealed class SqliteCallStore(SqliteStoreOptions options) : ICallStore, IDisposable
{
    private const string Part = "calls";
    private const string CallColumns = "id, chat_id, room, media, started_by, started_at, ended_at, version";
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE calls (
            id         TEXT NOT NULL PRIMARY KEY,
            chat_id    TEXT NOT NULL,
            room       TEXT NOT NULL UNIQUE,
            media      TEXT NOT NULL,
            started_by TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at   TEXT,
            answered   INTEGER NOT NULL DEFAULT 0,
            version    INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX calls_running ON calls (chat_id) WHERE ended_at IS NULL;
        CREATE INDEX calls_ringing ON calls (started_at) WHERE ended_at IS NULL AND answered = 0;

        CREATE TABLE call_participants (
            call_id   TEXT NOT NULL REFERENCES calls (id),
            user_id   TEXT NOT NULL,
            joined_at TEXT NOT NULL,
            left_at   TEXT,
            PRIMARY KEY (call_id, user_id)
        ) WITHOUT ROWID;
        """,
    ];

    private readonly SqliteSchemaPart _tables = new(options, Part, Steps);

    public Task InitializeAsync(CancellationToken ct) => _tables.InitializeAsync(ct);

    public async Task<(Call Call, bool Created)> StartAsync(Call call, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // calls_running decides: the insert is skipped when the chat has a running call.
        var inserted = await ExecuteAsync(connection, $"""
            INSERT INTO calls ({CallColumns}, answered) VALUES (@id, @chat, @room, @media, @by, @at, NULL, @version, @answered)
            ON CONFLICT DO NOTHING
            """, ct, ("@id", ToText(call.Id)), ("@chat", ToText(call.ChatId)), ("@room", call.Room), ("@media", StoredNames.Of(call.Media)),
            ("@by", ToText(call.StartedBy)), ("@at", ToText(call.StartedAt)), ("@version", call.Version), ("@answered", call.Answered ? 1 : 0));
        if (inserted == 0)
        {
            var running = await ReadAsync(connection, "chat_id = @key AND ended_at IS NULL", ToText(call.ChatId), ct)
                ?? throw new InvalidOperationException("A call was refused but no call is running in its chat (the room is already taken).");
            await transaction.CommitAsync(ct);
            return (running, false);
        }

        foreach (var participant in call.Participants)
        {
            await ExecuteAsync(connection, "INSERT INTO call_participants (call_id, user_id, joined_at, left_at) VALUES (@call, @user, @joined, @left)",
                ct, ("@call", ToText(call.Id)), ("@user", ToText(participant.UserId)), ("@joined", ToText(participant.JoinedAt)),
                ("@left", participant.LeftAt is { } left ? ToText(left) : null));
        }

        await transaction.CommitAsync(ct);
        return (call, true);
    }

    public async Task<Call?> GetAsync(Guid callId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ReadAsync(connection, "id = @key", ToText(callId), ct);
    }

    public async Task<Call?> GetByRoomAsync(string room, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ReadAsync(connection, "room = @key", room, ct);
    }

    public async Task<Call?> GetRunningAsync(Guid chatId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ReadAsync(connection, "chat_id = @key AND ended_at IS NULL", ToText(chatId), ct);
    }

    public async Task<Call?> JoinAsync(Guid callId, Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var bumped = await ExecuteAsync(connection, """
            UPDATE calls SET version = version + 1,
                answered = CASE WHEN started_by = @user THEN answered ELSE 1 END
            WHERE id = @id AND ended_at IS NULL
            """, ct, ("@id", ToText(callId)), ("@user", ToText(userId)));
        if (bumped == 0)
        {
            return null;
        }

        await ExecuteAsync(connection, """
            INSERT INTO call_participants (call_id, user_id, joined_at, left_at) VALUES (@id, @user, @at, NULL)
            ON CONFLICT (call_id, user_id) DO UPDATE SET left_at = NULL
            """, ct, ("@id", ToText(callId)), ("@user", ToText(userId)), ("@at", ToText(at)));
        var call = await ReadAsync(connection, "id = @key", ToText(callId), ct);
        await transaction.CommitAsync(ct);
        return call;
    }

    public async Task<Call?> LeaveAsync(Guid callId, Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var call = await ReadAsync(connection, "id = @key", ToText(callId), ct);
        if (call is not { Running: true })
        {
            return null;
        }

        var left = await ExecuteAsync(connection, "UPDATE call_participants SET left_at = @at WHERE call_id = @id AND user_id = @user AND left_at IS NULL",
            ct, ("@id", ToText(callId)), ("@user", ToText(userId)), ("@at", ToText(at)));
        if (left > 0)
        {
            await ExecuteAsync(connection, "UPDATE calls SET version = version + 1 WHERE id = @id", ct, ("@id", ToText(callId)));
            call = await ReadAsync(connection, "id = @key", ToText(callId), ct);
        }

        await transaction.CommitAsync(ct);
        return call;
    }

    public async Task<Call?> EndAsync(Guid callId, DateTimeOffset at, long? expectedVersion, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var ended = await ExecuteAsync(connection, """
            UPDATE calls SET ended_at = @at, version = version + 1
            WHERE id = @id AND ended_at IS NULL AND (@version IS NULL OR version = @version)
            """, ct, ("@id", ToText(callId)), ("@at", ToText(at)), ("@version", expectedVersion));
        if (ended == 0)
        {
            return null;
        }

        await ExecuteAsync(connection, "UPDATE call_participants SET left_at = @at WHERE call_id = @id AND left_at IS NULL",
            ct, ("@id", ToText(callId)), ("@at", ToText(at)));
        var call = await ReadAsync(connection, "id = @key", ToText(callId), ct);
        await transaction.CommitAsync(ct);
        return call;
    }

    public async Task<IReadOnlyList<Call>> GetUnansweredAsync(DateTimeOffset startedBy, int limit, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var ids = await QueryAsync(connection, """
            SELECT id FROM calls WHERE ended_at IS NULL AND answered = 0 AND started_at <= @at ORDER BY started_at, id LIMIT @limit
            """, reader => reader.GetString(0), ct, ("@at", ToText(startedBy)), ("@limit", limit));
        var calls = new List<Call>(ids.Count);
        foreach (var id in ids)
        {
            if (await ReadAsync(connection, "id = @key", id, ct) is { } call)
            {
                calls.Add(call);
            }
        }

        return calls;
    }

    public void Dispose() => _tables.Dispose();

    private static async Task<Call?> ReadAsync(SqliteConnection connection, string where, string key, CancellationToken ct)
    {
        var rows = await QueryAsync(connection, $"SELECT {CallColumns} FROM calls WHERE {where}", reader => new Call(
            Guid.Parse(reader.GetString(0)),
            Guid.Parse(reader.GetString(1)),
            reader.GetString(2),
            StoredNames.CallMediaOf(reader.GetString(3)),
            Guid.Parse(reader.GetString(4)),
            ParseTime(reader.GetString(5)),
            reader.IsDBNull(6) ? null : ParseTime(reader.GetString(6)),
            [],
            reader.GetInt64(7)), ct, ("@key", key));
        if (rows.Count == 0)
        {
            return null;
        }

        var participants = await QueryAsync(connection, "SELECT user_id, joined_at, left_at FROM call_participants WHERE call_id = @id ORDER BY joined_at, user_id",
            reader => new CallParticipant(Guid.Parse(reader.GetString(0)), ParseTime(reader.GetString(1)), reader.IsDBNull(2) ? null : ParseTime(reader.GetString(2))),
            ct, ("@id", ToText(rows[0].Id)));
        return rows[0] with { Participants = participants };
    }

    private Task<SqliteConnection> OpenAsync(CancellationToken ct) => _tables.OpenAsync(ct);
}
