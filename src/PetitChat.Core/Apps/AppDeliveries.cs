using PetitChat.Core.Notifications;

namespace PetitChat.Core.Apps;

/// <summary>
/// App deliveries travel on the notification queue (so they get its workers, ordering per topic,
/// retries with backoff and dead letters) as jobs on the bot user's topic whose id starts with
/// <see cref="JobPrefix"/> and names the app, the delivery and the retry round:
/// <c>app.{appId}.{deliveryId}.{round}</c>. One app's events are in order and a slow app holds
/// back only its own topic.
/// </summary>
public static class AppDeliveries
{
    public const string JobPrefix = "app.";

    public static NotificationJob JobFor(App app, AppDelivery delivery, DateTimeOffset now) =>
        new($"{JobPrefix}{app.Id:N}.{delivery.Id:N}.{delivery.Round}", app.BotUserId, delivery.ChatId, delivery.Id, now);

    public static bool IsAppJob(NotificationJob job) => job.Id.StartsWith(JobPrefix, StringComparison.Ordinal);

    /// <summary>The app and delivery a job names, or null for a job id not made by <see cref="JobFor"/>.</summary>
    public static (Guid AppId, Guid DeliveryId)? Parse(NotificationJob job)
    {
        var parts = job.Id.Split('.');
        return parts.Length == 4 && Guid.TryParseExact(parts[1], "N", out var app) && Guid.TryParseExact(parts[2], "N", out var delivery)
            ? (app, delivery)
            : null;
    }
}
