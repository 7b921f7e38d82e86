namespace PetitChat.Core.Calls;

/// <summary>Configuration section <c>Calls</c>: how long a call rings and how often that is checked.</summary>
public sealed record CallOptions
{
    public const string Section = "Calls";

    /// <summary>A call that nobody but its starter joined within this time ends by itself, as missed.</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How often each node looks for calls past their ring timeout.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Calls ended per sweep at most; the next sweep takes the rest.</summary>
    public int SweepBatch { get; init; } = 100;
}
