namespace PetitChat.Infrastructure.InProcess;

/// <summary>Configuration section <c>Bus:InProcess</c>.</summary>
public sealed record InProcessBusOptions
{
    /// <summary>How long a user's events stay resumable.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Events kept per user at most, so that memory stays bounded for users who never come back;
    /// resuming from before the oldest kept event gives a reset.
    /// </summary>
    public int MaxEventsPerUser { get; init; } = 10_000;

    /// <summary>
    /// Events kept for all users together, so that memory stays bounded however many users there
    /// are; past it the oldest events, across users, are dropped (resuming from them gives a reset).
    /// </summary>
    public int MaxEventsTotal { get; init; } = 1_000_000;

    /// <summary>How often users with nothing to replay and no open stream are forgotten.</summary>
    public TimeSpan IdleSweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Events buffered for one live subscriber before it is dropped as too slow (it then resumes).</summary>
    public int SubscriberBuffer { get; init; } = 1_000;
}
