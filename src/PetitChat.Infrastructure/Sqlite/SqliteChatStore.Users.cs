using System.Text.Json;
using Microsoft.Data.Sqlite;
using PetitChat.Core.Paging;
using PetitChat.Core.Users;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteChatStore
{
    private const string UserColumns = "id, subject, username, display_name, roles_json, created_at, email";

    // The highest code point: "prefix" <= name < "prefix" + U+10FFFF holds exactly the names that
    // start with the prefix (bar names continuing with that noncharacter), and unlike LIKE it
    // needs no escaping of '%' or '_' and keeps to the index.
    private const string PrefixEnd = "\U0010FFFF";

    public async Task<User> UpsertUserAsync(UserClaims claims, Guid newId, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        // ON CONFLICT (subject) makes one user per subject under any concurrency; the WHERE skips
        // the write when nothing changed, the common case on every sign-in.
        await ExecuteAsync(connection, """
            INSERT INTO users (id, subject, username, username_lower, display_name, roles_json, created_at, email)
            VALUES (@id, @subject, @username, @usernameLower, @displayName, @roles, @now, @email)
            ON CONFLICT (subject) DO UPDATE SET
                username = excluded.username,
                username_lower = excluded.username_lower,
                display_name = excluded.display_name,
                roles_json = excluded.roles_json,
                email = excluded.email
            WHERE username <> excluded.username OR display_name <> excluded.display_name OR roles_json <> excluded.roles_json
               OR email IS NOT excluded.email
            """, ct,
            ("@id", ToText(newId)),
            ("@subject", claims.Subject),
            ("@username", claims.Username),
            ("@usernameLower", claims.Username.ToLowerInvariant()),
            ("@displayName", claims.DisplayName),
            ("@roles", JsonSerializer.Serialize(claims.Roles.ToArray(), SqliteJsonContext.Default.StringArray)),
            ("@now", ToText(now)),
            ("@email", claims.Email));
        var users = await QueryAsync(connection, $"SELECT {UserColumns} FROM users WHERE subject = @subject", ReadUser, ct,
            ("@subject", claims.Subject));
        await transaction.CommitAsync(ct);
        return users[0];
    }

    public async Task<User?> GetUserAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var users = await QueryAsync(connection, $"SELECT {UserColumns} FROM users WHERE id = @id", ReadUser, ct,
            ("@id", ToText(userId)));
        return users.Count == 0 ? null : users[0];
    }

    public async Task<IReadOnlyList<User>> GetUsersAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        return await QueryAsync(connection,
            $"SELECT {UserColumns} FROM users WHERE id IN (SELECT value FROM json_each(@ids))", ReadUser, ct,
            ("@ids", ToJsonArray(userIds)));
    }

    public async Task<IReadOnlyList<User>> GetUsersBySubjectAsync(IReadOnlyCollection<string> subjects, CancellationToken ct)
    {
        if (subjects.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        return await QueryAsync(connection,
            $"SELECT {UserColumns} FROM users WHERE subject IN (SELECT value FROM json_each(@subjects))", ReadUser, ct,
            ("@subjects", JsonSerializer.Serialize(subjects.ToArray(), SqliteJsonContext.Default.StringArray)));
    }

    public async Task<Page<User>> FindUsersAsync(string prefix, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var lower = prefix.ToLowerInvariant();
        // Without a cursor, ("", "") sorts before every row, so one statement serves both cases.
        var (afterId, afterName) = cursor is null ? ("", "") : Decode(cursor);

        const string byPrefix = $"""
            SELECT {UserColumns}, username_lower FROM users
            WHERE username_lower >= @prefix AND username_lower < @prefixEnd
              AND (username_lower, id) > (@afterName, @afterId)
            ORDER BY username_lower, id
            LIMIT @take
            """;
        const string everyone = $"""
            SELECT {UserColumns}, username_lower FROM users
            WHERE (username_lower, id) > (@afterName, @afterId)
            ORDER BY username_lower, id
            LIMIT @take
            """;

        await using var connection = await OpenAsync(ct);
        // One row more than asked tells whether another page exists, so the last page says so.
        var rows = await QueryAsync(connection, lower.Length == 0 ? everyone : byPrefix,
            reader => (User: ReadUser(reader), Lower: reader.GetString(7)), ct,
            ("@prefix", lower),
            ("@prefixEnd", lower + PrefixEnd),
            ("@afterName", afterName),
            ("@afterId", afterId),
            ("@take", limit + 1));

        if (rows.Count <= limit)
        {
            return new Page<User>([.. rows.Select(r => r.User)], null);
        }

        var last = rows[limit - 1];
        return new Page<User>([.. rows.Take(limit).Select(r => r.User)], SqliteCursor.Encode(last.User.Id, last.Lower));

        static (string, string) Decode(string cursor)
        {
            var (id, key) = SqliteCursor.Decode(cursor);
            return (ToText(id), key);
        }
    }

    private static User ReadUser(SqliteDataReader reader) => new(
        ReadGuid(reader, 0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        JsonSerializer.Deserialize(reader.GetString(4), SqliteJsonContext.Default.StringArray) ?? [],
        ReadTime(reader, 5),
        reader.IsDBNull(6) ? null : reader.GetString(6));
}
