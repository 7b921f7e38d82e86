using PetitChat.Core.Apps;
using PetitChat.Infrastructure.Apps;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

public sealed partial class SqliteAppStore : IIncomingWebhookStore
{
    public async Task SaveWebhookAsync(IncomingWebhook webhook, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO incoming_webhooks (id, chat_id, body, created_at) VALUES (@id, @chat, @body, @at)
            ON CONFLICT (id) DO UPDATE SET body = excluded.body
            """, ct, ("@id", ToText(webhook.Id)), ("@chat", ToText(webhook.ChatId)),
            ("@body", Write(webhook, AppsJsonContext.Default.IncomingWebhook)), ("@at", ToText(webhook.CreatedAt)));
    }

    public async Task<IncomingWebhook?> GetWebhookAsync(Guid webhookId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ScalarAsync(connection, "SELECT body FROM incoming_webhooks WHERE id = @id", ct, ("@id", ToText(webhookId))) is string body
            ? Read(body, AppsJsonContext.Default.IncomingWebhook)
            : null;
    }

    public async Task<IReadOnlyList<IncomingWebhook>> ListWebhooksAsync(Guid chatId, int max, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await QueryAsync(connection, "SELECT body FROM incoming_webhooks WHERE chat_id = @chat ORDER BY created_at, id LIMIT @max",
            r => Read(r.GetString(0), AppsJsonContext.Default.IncomingWebhook), ct, ("@chat", ToText(chatId)), ("@max", max));
    }

    public async Task<bool> DeleteWebhookAsync(Guid chatId, Guid webhookId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ExecuteAsync(connection, "DELETE FROM incoming_webhooks WHERE id = @id AND chat_id = @chat", ct,
            ("@id", ToText(webhookId)), ("@chat", ToText(chatId))) > 0;
    }
}
