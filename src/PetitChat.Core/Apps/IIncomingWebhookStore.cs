namespace PetitChat.Core.Apps;

/// <summary>
/// Incoming webhooks, next to the chat store: SQLite on a laptop, ScyllaDB in production. Every
/// adapter passes the same contract suite (IncomingWebhookStoreContract).
/// </summary>
public interface IIncomingWebhookStore
{
    /// <summary>Creates the webhook, or replaces every field of the one with the same id (a rotated token).</summary>
    Task SaveWebhookAsync(IncomingWebhook webhook, CancellationToken ct);

    /// <summary>The webhook by id alone (the hook URL names no chat), or null.</summary>
    Task<IncomingWebhook?> GetWebhookAsync(Guid webhookId, CancellationToken ct);

    /// <summary>The chat's webhooks, oldest first (ids are UUIDv7 of the creation time), at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<IncomingWebhook>> ListWebhooksAsync(Guid chatId, int max, CancellationToken ct);

    /// <summary>Deletes the webhook of that chat; false when the chat has no such webhook.</summary>
    Task<bool> DeleteWebhookAsync(Guid chatId, Guid webhookId, CancellationToken ct);
}
