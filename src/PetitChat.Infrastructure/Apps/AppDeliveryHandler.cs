using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Apps;
using PetitChat.Core.Common;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Apps;

/// <summary>
/// Handles the app jobs of the notification queue (<see cref="AppDeliveries"/>): posts the body the
/// job carries to the app and records the outcome through <see cref="AppDeliveryRecorder"/>: a
/// delivered event in the next batch, a retry or a dead letter before the queue hears of it (so
/// what an administrator lists and retries is written first). The queue retries with backoff and
/// dead-letters. A job without a body (queued by an older version) takes its body from the store.
/// </summary>
public sealed partial class AppDeliveryHandler(
    IAppStore apps,
    IAppDeliveryStore deliveries,
    AppDeliveryRecorder recorder,
    AppHttp http,
    RetryPolicy retry,
    TimeProvider time,
    ILogger<AppDeliveryHandler> logger)
{
    public async Task<JobOutcome> HandleAsync(QueuedJob queued, CancellationToken ct)
    {
        if (AppDeliveries.Parse(queued.Job) is not { } names)
        {
            return JobOutcome.Fail("not an app delivery job");
        }

        // Once started, a delivery's outcome is recorded even if the worker is stopping.
        ct = CancellationToken.None;
        var delivery = queued.Job.Body is { } body
            ? DeliveryOf(queued.Job, names.AppId, names.DeliveryId, names.Round, body)
            : await deliveries.GetDeliveryAsync(names.AppId, names.DeliveryId, ct);
        if (delivery is null)
        {
            return queued.Job.Body is null ? JobOutcome.Done : JobOutcome.Fail("an app job whose body is no event");
        }

        if (queued.Job.Body is null && delivery.Status != AppDeliveryStatus.Pending)
        {
            return JobOutcome.Done;
        }

        if (await apps.GetAppAsync(names.AppId, ct) is not { } app)
        {
            // Not recorded: a deleted app's deliveries are removed with it, and nobody could list this one.
            return JobOutcome.Fail("the app was deleted");
        }

        var answer = await http.PostAsync(app, delivery.Id.ToString(), Encoding.UTF8.GetBytes(delivery.Body), ct);
        switch (answer.Status)
        {
            case DeliveryStatus.Delivered or DeliveryStatus.Removed:
                await RecordAsync(delivery, queued, AppDeliveryStatus.Delivered, null, ct);
                return JobOutcome.Done;
            case DeliveryStatus.Retry when queued.Attempt < retry.MaxAttempts:
                await RecordAsync(delivery, queued, AppDeliveryStatus.Pending, answer.Reason, ct);
                return JobOutcome.Retry(answer.Reason ?? "retry", answer.RetryAfter);
            default:
                LogFailed(app.Id, delivery.Id, answer.Reason);
                await RecordAsync(delivery, queued, AppDeliveryStatus.Failed, answer.Reason, ct);
                return JobOutcome.Fail(answer.Reason ?? "failed");
        }
    }

    /// <summary>
    /// The delivery a job with a body stands for, before this attempt: its type and time are the
    /// envelope's (<c>type</c>, <c>occurredAt</c>), its attempts those made in this round.
    /// </summary>
    internal static AppDelivery? DeliveryOf(NotificationJob job, Guid appId, Guid deliveryId, int round, string body)
    {
        string? type = null;
        DateTimeOffset? occurredAt = null;
        try
        {
            using var envelope = JsonDocument.Parse(body);
            if (envelope.RootElement.ValueKind == JsonValueKind.Object)
            {
                type = envelope.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                occurredAt = envelope.RootElement.TryGetProperty("occurredAt", out var at) && at.TryGetDateTimeOffset(out var parsed) ? parsed : null;
            }
        }
        catch (JsonException)
        {
        }

        if (type is null)
        {
            return null;
        }

        var createdAt = occurredAt ?? Ids.TimestampOf(deliveryId);
        return new AppDelivery(deliveryId, appId, job.ChatId, type, body, AppDeliveryStatus.Pending, 0, round, null, createdAt, createdAt);
    }

    private Task RecordAsync(AppDelivery delivery, QueuedJob queued, AppDeliveryStatus status, string? error, CancellationToken ct) =>
        recorder.RecordAsync(delivery with
        {
            Status = status,
            // The queue counts this round's attempts; a job from the store adds to what it holds.
            Attempts = queued.Job.Body is null ? delivery.Attempts + 1 : queued.Attempt,
            LastError = error ?? delivery.LastError,
            UpdatedAt = time.GetUtcNow(),
        }, durable: status != AppDeliveryStatus.Delivered, ct);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {AppId} delivery {DeliveryId} failed: {Reason}")]
    private partial void LogFailed(Guid appId, Guid deliveryId, string? reason);
}
