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
    /// Moves the user's mark in the chat forward to <paramref name="signalId"/>; a mark already at
    /// or past it stays, also when two workers race (the newer id wins).
    /// </summary>
    Task CoverAsync(Guid userId, Guid chatId, Guid signalId, CancellationToken ct);
}
