using System.Diagnostics.Metrics;
using PetitChat.Core.Telemetry;

namespace PetitChat.Infrastructure.Telemetry;

/// <summary>
/// The NATS bus's share of a send, on Petit chat's meter: each event's JetStream publish (one
/// message for all its recipients, decision 0023) is counted with the time until its ack, so the time of a send
/// splits into the store's and the bus's (bench <c>fanout</c> prints the mean beside the send).
/// </summary>
public static class BusMetrics
{
    /// <summary>A counter of events published to JetStream (each to all its recipients).</summary>
    public const string FanoutsName = "petitchat.bus.nats.fanouts";

    /// <summary>A counter of the milliseconds those fan-outs took until their last ack.</summary>
    public const string FanoutTimeName = "petitchat.bus.nats.fanout_time";

    private static readonly Meter Meter = new(ChatMetrics.MeterName);
    private static readonly Counter<long> Fanouts = Meter.CreateCounter<long>(FanoutsName, "{event}", "Events published to JetStream");
    private static readonly Counter<double> FanoutTime = Meter.CreateCounter<double>(FanoutTimeName, "ms", "Time from an event's first publish to its last ack");

    internal static void FanoutDone(TimeSpan elapsed)
    {
        Fanouts.Add(1);
        FanoutTime.Add(elapsed.TotalMilliseconds);
    }
}
