using Microsoft.Data.Sqlite;
using PetitChat.Core.Notifications;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// Notification settings in the same SQLite file as the chats, in tables of their own with their
/// own schema version (<c>schema_parts</c> row 'notifications'), so that the chat schema's
/// <c>user_version</c> steps and these evolve independently.
/// </summary>
public sealed class SqliteNotificationSettingsStore(SqliteStoreOptions options) : INotificationSettingsStore, IDisposable
{
    private const string Part = "notifications";
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE push_subscriptions (
            endpoint   TEXT NOT NULL PRIMARY KEY,
            user_id    TEXT NOT NULL,
            p256dh     TEXT NOT NULL,
            auth       TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user_id, created_at);

        CREATE TABLE webhooks (
            user_id    TEXT NOT NULL PRIMARY KEY,
            url        TEXT NOT NULL,
            secret     TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );

        CREATE TABLE chat_settings (
            chat_id TEXT NOT NULL,
            user_id TEXT NOT NULL,
            muted   INTEGER NOT NULL,
            PRIMARY KEY (chat_id, user_id)
        ) WITHOUT ROWID;
        """,
    ];

    private readonly SqliteSchemaPart _tables = new(options, Part, Steps);

    public Task InitializeAsync(CancellationToken ct) => _tables.InitializeAsync(ct);

    public async Task<bool> SavePushSubscriptionAsync(PushSubscription subscription, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // Another user's endpoint is left as it is: the WHERE makes the upsert touch no row.
        return await ExecuteAsync(connection, """
            INSERT INTO push_subscriptions (endpoint, user_id, p256dh, auth, created_at) VALUES (@endpoint, @user, @p256dh, @auth, @at)
            ON CONFLICT (endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth WHERE push_subscriptions.user_id = excluded.user_id
            """, ct, ("@endpoint", subscription.Endpoint), ("@user", ToText(subscription.UserId)), ("@p256dh", subscription.P256dh),
            ("@auth", subscription.Auth), ("@at", ToText(subscription.CreatedAt))) > 0;
    }

    public async Task<bool> RemovePushSubscriptionAsync(Guid userId, string endpoint, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "DELETE FROM push_subscriptions WHERE endpoint = @endpoint AND user_id = @user",
            ct, ("@endpoint", endpoint), ("@user", ToText(userId))) > 0;
    }

    public async Task<IReadOnlyList<PushSubscription>> GetPushSubscriptionsAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT endpoint, p256dh, auth, created_at FROM push_subscriptions WHERE user_id = @user ORDER BY created_at, endpoint",
            ("@user", ToText(userId)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<PushSubscription>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(new PushSubscription(userId, reader.GetString(0), reader.GetString(1), reader.GetString(2), ParseTime(reader.GetString(3))));
        }

        return rows;
    }

    public async Task SaveWebhookAsync(WebhookSettings webhook, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO webhooks (user_id, url, secret, updated_at) VALUES (@user, @url, @secret, @at)
            ON CONFLICT (user_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at
            """, ct, ("@user", ToText(webhook.UserId)), ("@url", webhook.Url), ("@secret", webhook.Secret), ("@at", ToText(webhook.UpdatedAt)));
    }

    public async Task<bool> RemoveWebhookAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "DELETE FROM webhooks WHERE user_id = @user", ct, ("@user", ToText(userId))) > 0;
    }

    public async Task<WebhookSettings?> GetWebhookAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = Command(connection, "SELECT url, secret, updated_at FROM webhooks WHERE user_id = @user", ("@user", ToText(userId)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new WebhookSettings(userId, reader.GetString(0), reader.GetString(1), ParseTime(reader.GetString(2)))
            : null;
    }

    public async Task SetMutedAsync(Guid chatId, Guid userId, bool muted, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO chat_settings (chat_id, user_id, muted) VALUES (@chat, @user, @muted)
            ON CONFLICT (chat_id, user_id) DO UPDATE SET muted = excluded.muted
            """, ct, ("@chat", ToText(chatId)), ("@user", ToText(userId)), ("@muted", muted ? 1 : 0));
    }

    public async Task<bool> IsMutedAsync(Guid chatId, Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var muted = await ScalarAsync(connection, "SELECT muted FROM chat_settings WHERE chat_id = @chat AND user_id = @user",
            ct, ("@chat", ToText(chatId)), ("@user", ToText(userId)));
        return muted is long value && value != 0;
    }

    public void Dispose() => _tables.Dispose();

    private Task<SqliteConnection> OpenAsync(CancellationToken ct) => _tables.OpenAsync(ct);

}
