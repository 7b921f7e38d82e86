namespace PetitChat.Core.Notifications;

/// <summary>
/// Configuration section <c>Notifications:Lanes</c>: how the embedded queue shares its worker
/// between users, so that one slow or hostile endpoint cannot stall other users' notifications.
/// </summary>
/// <remarks>
/// Users are spread over <see cref="Count"/> lanes. In a lane, one user's jobs run one at a time and
/// in order, jobs of different users run side by side (at most <see cref="Concurrency"/> at once), and
/// a job waiting for its retry holds no slot. A lane keeps at most <see cref="MaxQueued"/> jobs (more
/// are dropped with a warning), a user at most <see cref="MaxQueuedPerUser"/> waiting (the oldest
/// goes: a newer job of the same chat notifies for it anyway).
/// </remarks>
public sealed record LaneOptions
{
    public static readonly LaneOptions Default = new();

    public int Count { get; init; } = 16;

    public int Concurrency { get; init; } = 4;

    public int MaxQueued { get; init; } = 10_000;

    public int MaxQueuedPerUser { get; init; } = 100;

    public bool IsValid => Count is > 0 and <= 1_024 && Concurrency is > 0 and <= 256 && MaxQueued > 0 && MaxQueuedPerUser > 0;
}
