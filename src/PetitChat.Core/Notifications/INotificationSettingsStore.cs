namespace PetitChat.Core.Notifications;

/// <summary>
/// Where users' notification settings live (push subscriptions, webhook, muted chats), next to
/// the chat store: SQLite on a laptop, ScyllaDB in production.
/// </summary>
public interface INotificationSettingsStore
{
    /// <summary>
    /// Stores a subscription; the same endpoint again from its owner replaces its keys (a browser
    /// re-subscribing). An endpoint has one owner for as long as it is stored: saving one that another
    /// user holds changes nothing and answers false (it is never moved to the caller).
    /// </summary>
    Task<bool> SavePushSubscriptionAsync(PushSubscription subscription, CancellationToken ct);

    /// <summary>Removes the user's subscription with that endpoint; false when there was none.</summary>
    Task<bool> RemovePushSubscriptionAsync(Guid userId, string endpoint, CancellationToken ct);

    /// <summary>The user's subscriptions, oldest first.</summary>
    Task<IReadOnlyList<PushSubscription>> GetPushSubscriptionsAsync(Guid userId, CancellationToken ct);

    Task SaveWebhookAsync(WebhookSettings webhook, CancellationToken ct);

    Task<bool> RemoveWebhookAsync(Guid userId, CancellationToken ct);

    Task<WebhookSettings?> GetWebhookAsync(Guid userId, CancellationToken ct);

    Task SetMutedAsync(Guid chatId, Guid userId, bool muted, CancellationToken ct);

    Task<bool> IsMutedAsync(Guid chatId, Guid userId, CancellationToken ct);
}
