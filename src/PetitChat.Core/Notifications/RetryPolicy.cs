namespace PetitChat.Core.Notifications;

/// <summary>
/// Retries with exponential backoff: attempt n waits <see cref="FirstDelay"/> x 2^(n-1), at most
/// <see cref="MaxDelay"/>, or what the channel asked for with Retry-After when longer, within the same
/// cap and never more than <see cref="MaxRetryAfter"/> on its word (a hostile endpoint could ask for hours).
/// After <see cref="MaxAttempts"/> attempts the job is dead-lettered.
/// </summary>
public sealed record RetryPolicy
{
    public static readonly RetryPolicy Default = new();

    public int MaxAttempts { get; init; } = 5;

    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The most a Retry-After from a push service or webhook is honoured.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan DelayAfter(int attempt, TimeSpan? asked = null)
    {
        var exponential = FirstDelay * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        exponential = exponential > MaxDelay ? MaxDelay : exponential;
        var cap = MaxRetryAfter < MaxDelay ? MaxRetryAfter : MaxDelay;
        var honoured = asked is { } a ? (a > cap ? cap : a) : TimeSpan.Zero;
        return honoured > exponential ? honoured : exponential;
    }

    public bool IsValid => MaxAttempts > 0 && FirstDelay > TimeSpan.Zero && MaxDelay >= FirstDelay && MaxRetryAfter >= TimeSpan.Zero;
}
