using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.JetStream;
using PetitChat.Core.Telemetry;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// Reads the job stream's state every <see cref="Interval"/> for the queue depth and oldest-job
/// age metrics. A work-queue stream holds exactly the jobs not yet acknowledged, so its message
/// count is the depth and its first message's time the oldest job's. Metrics collection reads
/// the last snapshot, so a scrape never waits on NATS.
/// </summary>
internal sealed partial class NatsQueueGauge(
    NotificationNatsConnection nats, IOptions<NatsNotificationOptions> options, TimeProvider time, ILogger<NatsQueueGauge> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private volatile QueueState? _last;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ChatMetrics.ObserveQueue(() => _last);
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                var stream = await nats.JetStream.GetStreamAsync(options.Value.StreamName, cancellationToken: stoppingToken);
                var state = stream.Info.State;
                var age = state.Messages > 0 && DateTimeOffset.TryParse(state.FirstTs, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var first)
                    ? Max(time.GetUtcNow() - first, TimeSpan.Zero)
                    : TimeSpan.Zero;
                _last = new QueueState(state.Messages, age);
            }
            catch (Exception e) when (e is NatsJSException or NATS.Client.Core.NatsException or TimeoutException)
            {
                // Unknown rather than stale: the gauges go quiet while NATS does not answer.
                _last = null;
                LogUnreadable(e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notification queue state not readable: {Reason}")]
    private partial void LogUnreadable(string reason);
}
