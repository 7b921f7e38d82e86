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
}
