namespace PetitChat.Core.Notifications;

/// <summary>
/// Retries with exponential backoff: attempt n waits <see cref="FirstDelay"/> x 2^(n-1), at most
/// <see cref="MaxDelay"/> (or what the channel asked for with Retry-After, within the same cap).
/// After <see cref="MaxAttempts"/> attempts the job is dead-lettered.
/// </summary>
public sealed record RetryPolicy
{
    public static readonly RetryPolicy Default = new();

    public int MaxAttempts { get; init; } = 5;

    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan DelayAfter(int attempt, TimeSpan? asked = null)
    {
        var exponential = FirstDelay * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var delay = asked is { } a && a > exponential ? a : exponential;
        return delay > MaxDelay ? MaxDelay : delay;
    }

    public bool IsValid => MaxAttempts > 0 && FirstDelay > TimeSpan.Zero && MaxDelay >= FirstDelay;
}
