using System.Security.Cryptography;
using PetitChat.Core.Notifications;

namespace PetitChat.Core.Apps;

/// <summary>
/// App deliveries travel on the notification queue (so they get its workers, ordering per topic,
/// retries with backoff and dead letters) as jobs whose id starts with <see cref="JobPrefix"/> and
/// names the app, the delivery and the retry round: <c>app.{appId}.{deliveryId}.{round}</c>, and
/// carry what is posted (<see cref="NotificationJob.Body"/>), so nothing is stored on the send's path. The
/// topic is one per (app, chat), a hash of the two ids: one chat's events reach the app in order,
/// different chats' in parallel, and a slow app holds back only its own topics.
/// </summary>
public static class AppDeliveries
{
    public const string JobPrefix = "app.";

    public static NotificationJob JobFor(App app, AppDelivery delivery, DateTimeOffset now) =>
        new($"{JobPrefix}{app.Id:N}.{delivery.Id:N}.{delivery.Round}", TopicOf(app.Id, delivery.ChatId), delivery.ChatId, delivery.Id, now)
        {
            Body = delivery.Body,
        };

    /// <summary>The queue topic of an app's deliveries in one chat: the first 16 bytes of SHA-256 over both ids.</summary>
    public static Guid TopicOf(Guid appId, Guid chatId)
    {
        Span<byte> ids = stackalloc byte[32];
        appId.TryWriteBytes(ids);
        chatId.TryWriteBytes(ids[16..]);
        return new Guid(SHA256.HashData(ids).AsSpan(0, 16));
    }

    public static bool IsAppJob(NotificationJob job) => job.Id.StartsWith(JobPrefix, StringComparison.Ordinal);

    /// <summary>The app, delivery and round a job names, or null for a job id not made by <see cref="JobFor"/>.</summary>
    public static (Guid AppId, Guid DeliveryId, int Round)? Parse(NotificationJob job)
    {
        var parts = job.Id.Split('.');
        return parts.Length == 4 && Guid.TryParseExact(parts[1], "N", out var app) && Guid.TryParseExact(parts[2], "N", out var delivery)
            && int.TryParse(parts[3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var round)
            ? (app, delivery, round)
            : null;
    }
}
