namespace PetitChat.Core.Notifications;

/// <summary>
/// What workers have already delivered, shared by every worker: the idempotency keys of jobs and
/// of each (job, channel target), kept for a while, so a redelivered job is not pushed twice.
/// </summary>
public interface IDeliveryLedger
{
    Task<bool> ContainsAsync(string key, CancellationToken ct);

    /// <summary>Records <paramref name="key"/>; recording it again is harmless.</summary>
    Task AddAsync(string key, CancellationToken ct);

    /// <summary>
    /// The newest message of the chat that a push to the user covered (see
    /// <see cref="Notification.CoveredCount"/>), or null when none did within the retention: the
    /// next push of the chat covers only messages after it, so no message is counted by two pushes.
    /// </summary>
    Task<Guid?> GetCoveredAsync(Guid userId, Guid chatId, CancellationToken ct);

    /// <summary>
    /// Reads the user's <see cref="PushMark"/> in the chat (<see cref="PushMark.None"/> when there is none),
    /// applies <paramref name="change"/> and stores the result by compare-and-set: when another worker
    /// wrote in between, <paramref name="change"/> runs again on what it wrote. A change that returns an
    /// equal mark writes nothing. Returns the mark as stored, so a claimer sees whether it got the claim.
    /// </summary>
    Task<PushMark> ChangeMarkAsync(Guid userId, Guid chatId, Func<PushMark, PushMark> change, CancellationToken ct);
}
