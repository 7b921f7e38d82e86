using PetitChat.Core.Signals;

namespace PetitChat.Core.Events;

/// <summary>A new signal: a message, a member joining or leaving, a call starting or ending.</summary>
public sealed record SignalCreated(Signal Signal) : ChatEvent(Signal.ChatId)
{
    /// <summary>
    /// How long after a signal's creation a repeated send (same client id) publishes it again.
    /// Below the NATS stream's duplicate window (two minutes), so the copy is dropped when the
    /// first publish got through.
    /// </summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Published again by a repeated send, because the first attempt may have stored the signal
    /// and died (a node killed) before publishing it. A bus drops it when it holds the first
    /// publish: NATS by its message id, the in-process bus always (its first publish cannot be
    /// lost while the process lives, and a restart loses the whole log, which streams see as a reset).
    /// </summary>
    public bool Repeat { get; init; }
}
