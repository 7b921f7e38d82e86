using System.Diagnostics;
using System.Diagnostics.Metrics;
using PetitChat.Core.Notifications;

namespace PetitChat.Core.Telemetry;

/// <summary>
/// The instruments of Petit chat's own meter (<see cref="MeterName"/>), exported by the hosts
/// through OpenTelemetry (Prometheus at <c>/metrics</c>). One static meter, as the .NET
/// guidance suggests for an application's own instruments: every host has exactly one.
/// </summary>
public static class ChatMetrics
{
    public const string MeterName = "PetitChat";

    /// <summary>The activity source of Petit chat's own spans, exported over OTLP when configured.</summary>
    public static readonly ActivitySource Activities = new(MeterName);

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> SignalsSent = Meter.CreateCounter<long>(
        "petitchat.signals.sent", "{signal}", "Signals stored by a send (a repeated clientId is not counted).");

    private static readonly Histogram<double> SendDuration = Meter.CreateHistogram<double>(
        "petitchat.signal.send.duration", "s", "Time to store a sent signal and publish its events.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> EventsDelivered = Meter.CreateCounter<long>(
        "petitchat.events.delivered", "{event}", "Events written to open live streams.");

    // A gauge of the count itself, not an up-down counter of opens and closes: a meter listener
    // that starts while streams are open (a second host in one test process, a provider made
    // again) would count their closes without their opens and report fewer than are open.
    private static readonly ObservableGauge<long> StreamsOpenGauge = Meter.CreateObservableGauge(
        "petitchat.streams.open", () => Interlocked.Read(ref streamsOpen), "{stream}", "Live streams (SSE) open on this node.");

    private static long streamsOpen;

    private static readonly Counter<long> NotificationOutcomes = Meter.CreateCounter<long>(
        "petitchat.notifications.outcomes", "{job}", "Notification jobs handled, by outcome (done, retry, fail).");

    private static readonly Histogram<double> NotificationDuration = Meter.CreateHistogram<double>(
        "petitchat.notification.duration", "s", "Time a worker spent on one notification job.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    private static readonly ObservableGauge<long> QueueDepthGauge = Meter.CreateObservableGauge(
        "petitchat.notify.queue.depth", QueueDepth, "{job}", "Notification jobs waiting in the queue.");

    private static readonly ObservableGauge<double> QueueAgeGauge = Meter.CreateObservableGauge(
        "petitchat.notify.queue.age", QueueAge, "s", "Age of the oldest notification job waiting in the queue.");

    private static Func<QueueState?>? queueReader;

    public static void SignalSent(TimeSpan duration, bool created)
    {
        if (created)
        {
            SignalsSent.Add(1);
        }

        SendDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("created", created));
    }

    public static void EventDelivered() => EventsDelivered.Add(1);

    public static void StreamOpened() => Interlocked.Increment(ref streamsOpen);

    public static void StreamClosed() => Interlocked.Decrement(ref streamsOpen);

    public static void NotificationHandled(JobOutcome outcome, TimeSpan duration)
    {
        var name = outcome switch
        {
            DoneOutcome => "done",
            RetryOutcome => "retry",
            FailOutcome => "fail",
            _ => "other",
        };
        NotificationOutcomes.Add(1, new KeyValuePair<string, object?>("outcome", name));
        NotificationDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", name));
    }

    /// <summary>
    /// Reports the notification queue's depth and the age of its oldest job through
    /// <paramref name="read"/>, called when metrics are collected (the queue adapter knows how to
    /// ask its engine). The last host to call it in a process is the one observed.
    /// </summary>
    public static void ObserveQueue(Func<QueueState?> read) => queueReader = read;

    private static IEnumerable<Measurement<long>> QueueDepth() =>
        queueReader?.Invoke() is { } s ? [new Measurement<long>(s.Depth)] : [];

    private static IEnumerable<Measurement<double>> QueueAge() =>
        queueReader?.Invoke() is { } s ? [new Measurement<double>(s.OldestAge.TotalSeconds)] : [];
}
