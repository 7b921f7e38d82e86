using System.Text;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Apps;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Apps;

/// <summary>
/// Handles the app jobs of the notification queue (<see cref="AppDeliveries"/>): posts the stored
/// body to the app and records the outcome on the delivery. The queue retries with backoff and
/// dead-letters; the delivery record is what administrators list and retry.
/// </summary>
public sealed partial class AppDeliveryHandler(
    IAppStore apps, IAppDeliveryStore deliveries, AppHttp http, RetryPolicy retry, TimeProvider time, ILogger<AppDeliveryHandler> logger)
{
    public async Task<JobOutcome> HandleAsync(QueuedJob queued, CancellationToken ct)
    {
        if (AppDeliveries.Parse(queued.Job) is not { } names)
        {
            return JobOutcome.Fail("not an app delivery job");
        }

        var (appId, deliveryId) = names;

        // Once started, a delivery's outcome is recorded even if the worker is stopping.
        ct = CancellationToken.None;
        var delivery = await deliveries.GetDeliveryAsync(appId, deliveryId, ct);
        if (delivery is null || delivery.Status != AppDeliveryStatus.Pending)
        {
            return JobOutcome.Done;
        }

        if (await apps.GetAppAsync(appId, ct) is not { } app)
        {
            await SaveAsync(delivery, AppDeliveryStatus.Failed, "the app was deleted", ct);
            return JobOutcome.Fail("the app was deleted");
        }

        var answer = await http.PostAsync(app, delivery.Id.ToString(), Encoding.UTF8.GetBytes(delivery.Body), ct);
        switch (answer.Status)
        {
            case DeliveryStatus.Delivered or DeliveryStatus.Removed:
                await SaveAsync(delivery, AppDeliveryStatus.Delivered, null, ct);
                return JobOutcome.Done;
            case DeliveryStatus.Retry when queued.Attempt < retry.MaxAttempts:
                await SaveAsync(delivery, AppDeliveryStatus.Pending, answer.Reason, ct);
                return JobOutcome.Retry(answer.Reason ?? "retry", answer.RetryAfter);
            default:
                LogFailed(app.Id, delivery.Id, answer.Reason);
                await SaveAsync(delivery, AppDeliveryStatus.Failed, answer.Reason, ct);
                return JobOutcome.Fail(answer.Reason ?? "failed");
        }
    }

    private Task SaveAsync(AppDelivery delivery, AppDeliveryStatus status, string? error, CancellationToken ct) =>
        deliveries.SaveDeliveryAsync(delivery with
        {
            Status = status,
            Attempts = delivery.Attempts + 1,
            LastError = error ?? delivery.LastError,
            UpdatedAt = time.GetUtcNow(),
        }, ct);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} delivery {DeliveryId} failed: {Reason}")]
    private partial void LogFailed(Guid appId, Guid deliveryId, string? reason);
}
