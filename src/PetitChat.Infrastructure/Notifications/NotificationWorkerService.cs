using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using PetitChat.Core.Apps;
using PetitChat.Core.Notifications;
using PetitChat.Core.Telemetry;
using PetitChat.Infrastructure.Apps;

namespace PetitChat.Infrastructure.Notifications;

/// <summary>Runs <see cref="NotificationWorker"/> over the queue for the life of the host: the Notifier's work, or the embedded server's.</summary>
/// <remarks>App event deliveries share the queue (<see cref="AppDeliveries"/>) and go to <see cref="AppDeliveryHandler"/>.</remarks>
public sealed partial class NotificationWorkerService(
    INotificationQueue queue, NotificationWorker worker, AppDeliveryHandler apps, ILogger<NotificationWorkerService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(queue.GetType().Name);
        try
        {
            await queue.ConsumeAsync(HandleMeasuredAsync, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<JobOutcome> HandleMeasuredAsync(QueuedJob job, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = AppDeliveries.IsAppJob(job.Job) ? await apps.HandleAsync(job, ct) : await worker.HandleAsync(job, ct);
        ChatMetrics.NotificationHandled(outcome, Stopwatch.GetElapsedTime(started));
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification worker consuming from {Queue}")]
    private partial void LogStarted(string queue);
}
