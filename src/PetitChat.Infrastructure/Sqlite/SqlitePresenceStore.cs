using Microsoft.Data.Sqlite;
using PetitChat.Core.Presence;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Presence data in the chat store's SQLite file, in tables of their own (schema part
/// 'presence'): <c>user_presence</c>, a row per user with their status and external presence, and
/// <c>microsoft365_links</c>.
/// </summary>
public sealed class SqlitePresenceStore(SqliteStoreOptions options) : IPresenceStore, IDisposable
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE user_presence (
            user_id       TEXT NOT NULL PRIMARY KEY,
            has_status    INTEGER NOT NULL DEFAULT 0,
            emoji         TEXT,
            text          TEXT,
            expires_at    TEXT,
            availability  TEXT,
            set_at        TEXT,
            ext_state     TEXT,
            ext_activity  TEXT,
            ext_message   TEXT,
            ext_at        TEXT
        );

        CREATE TABLE microsoft365_links (
            user_id    TEXT NOT NULL PRIMARY KEY,
            upn        TEXT NOT NULL,
            write_back INTEGER NOT NULL
        );
        """,
        "ALTER TABLE user_presence ADD COLUMN last_seen INTEGER;",
    ];

    private readonly SqliteSchemaPart _tables = new(options, "presence", Steps);

    public Task InitializeAsync(CancellationToken ct) => _tables.InitializeAsync(ct);

    public async Task SetStatusAsync(Guid userId, UserStatus status, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO user_presence (user_id, has_status, emoji, text, expires_at, availability, set_at)
            VALUES (@user, 1, @emoji, @text, @expires, @availability, @at)
            ON CONFLICT (user_id) DO UPDATE SET has_status = 1, emoji = excluded.emoji, text = excluded.text,
                expires_at = excluded.expires_at, availability = excluded.availability, set_at = excluded.set_at
            """, ct, ("@user", ToText(userId)), ("@emoji", status.Emoji), ("@text", status.Text),
            ("@expires", status.ExpiresAt is { } at ? ToText(at) : null), ("@availability", status.Availability.ToString()),
            ("@at", ToText(status.SetAt)));
    }

    public async Task<bool> ClearStatusAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, """
            UPDATE user_presence SET has_status = 0, emoji = NULL, text = NULL, expires_at = NULL, availability = NULL, set_at = NULL
            WHERE user_id = @user AND has_status = 1
            """, ct, ("@user", ToText(userId))) > 0;
    }

    public async Task SetExternalAsync(Guid userId, ExternalPresence? external, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO user_presence (user_id, ext_state, ext_activity, ext_message, ext_at) VALUES (@user, @state, @activity, @message, @at)
            ON CONFLICT (user_id) DO UPDATE SET ext_state = excluded.ext_state, ext_activity = excluded.ext_activity,
                ext_message = excluded.ext_message, ext_at = excluded.ext_at
            """, ct, ("@user", ToText(userId)), ("@state", external?.State.ToString()), ("@activity", external?.Activity),
            ("@message", external?.Message), ("@at", external is null ? null : ToText(external.At)));
    }

    public async Task SetLastSeenAsync(Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO user_presence (user_id, last_seen) VALUES (@user, @at)
            ON CONFLICT (user_id) DO UPDATE SET last_seen = excluded.last_seen
            """, ct, ("@user", ToText(userId)), ("@at", at.UtcTicks));
    }

    public async Task<IReadOnlyDictionary<Guid, StoredPresence>> GetAsync(IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var found = new Dictionary<Guid, StoredPresence>(userIds.Count);
        if (userIds.Count == 0)
        {
            return found;
        }

        await using var connection = await OpenAsync(ct);
        foreach (var chunk in userIds.Distinct().Chunk(500))
        {
            var names = chunk.Select((_, i) => $"@u{i}").ToArray();
            var parameters = chunk.Select((id, i) => (names[i], (object?)ToText(id))).ToArray();
            var rows = await QueryAsync(connection, $"""
                SELECT user_id, has_status, emoji, text, expires_at, availability, set_at, ext_state, ext_activity, ext_message, ext_at, last_seen
                FROM user_presence WHERE user_id IN ({string.Join(", ", names)})
                """, Read, ct, parameters);
            foreach (var (userId, stored) in rows)
            {
                if (stored.Status is not null || stored.External is not null || stored.LastSeenAt is not null)
                {
                    found[userId] = stored;
                }
            }
        }

        return found;
    }

    public async Task SetLinkAsync(Microsoft365Link link, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO microsoft365_links (user_id, upn, write_back) VALUES (@user, @upn, @writeBack)
            ON CONFLICT (user_id) DO UPDATE SET upn = excluded.upn, write_back = excluded.write_back
            """, ct, ("@user", ToText(link.UserId)), ("@upn", link.Upn), ("@writeBack", link.WriteBack ? 1 : 0));
    }

    public async Task<bool> RemoveLinkAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "DELETE FROM microsoft365_links WHERE user_id = @user", ct, ("@user", ToText(userId))) > 0;
    }

    public async Task<Microsoft365Link?> GetLinkAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var rows = await QueryAsync(connection, "SELECT user_id, upn, write_back FROM microsoft365_links WHERE user_id = @user", ReadLink, ct,
            ("@user", ToText(userId)));
        return rows.Count > 0 ? rows[0] : null;
    }

    public async Task<IReadOnlyList<Microsoft365Link>> ListLinksAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await QueryAsync(connection, "SELECT user_id, upn, write_back FROM microsoft365_links", ReadLink, ct);
    }

    public void Dispose() => _tables.Dispose();

    private static (Guid, StoredPresence) Read(SqliteDataReader r)
    {
        UserStatus? status = r.GetInt64(1) == 1
            ? new UserStatus(
                r.IsDBNull(2) ? null : r.GetString(2),
                r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : ParseTime(r.GetString(4)),
                Enum.Parse<Availability>(r.GetString(5)),
                ParseTime(r.GetString(6)))
            : null;
        ExternalPresence? external = r.IsDBNull(7)
            ? null
            : new ExternalPresence(Enum.Parse<PresenceState>(r.GetString(7)), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9), ParseTime(r.GetString(10)));
        return (Guid.Parse(r.GetString(0)), new StoredPresence(status, external)
        {
            LastSeenAt = r.IsDBNull(11) ? null : new DateTimeOffset(r.GetInt64(11), TimeSpan.Zero),
        });
    }

    private static Microsoft365Link ReadLink(SqliteDataReader r) => new(Guid.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2) == 1);

    private Task<SqliteConnection> OpenAsync(CancellationToken ct) => _tables.OpenAsync(ct);
}
