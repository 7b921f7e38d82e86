namespace PetitChat.Core.Events;

/// <summary>
/// Fan-out of live events to users: in-process on a laptop, NATS JetStream across nodes.
/// Each user's events form one ordered log kept for a retention window.
/// </summary>
public interface IEventBus
{
    /// <summary>
    /// Appends <paramref name="liveEvent"/> to the log of each recipient. Completes once the
    /// event is durable in the bus (so it reaches a subscriber that resumes later); throws when
    /// it could not be published.
    /// </summary>
    Task PublishAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct);

    /// <summary>
    /// Delivered only to the recipients' streams open now, on any node; never stored, never
    /// replayed (typing, presence). Such events reach subscribers with a null id.
    /// </summary>
    Task PublishEphemeralAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct);

    /// <summary>
    /// The user's events after <paramref name="lastEventId"/> (or from now on when null), in
    /// order, then live ones, with no gap and no duplicate between replay and live. When the
    /// id cannot be resumed from, the stream starts with a <see cref="StreamReset"/>.
    /// The subscription is live when the returned task completes: every event published after
    /// that is in the stream. The stream ends when <paramref name="ct"/> is cancelled, and may
    /// end earlier (a subscriber too slow to keep up is dropped); the client then resumes.
    /// </summary>
    Task<IAsyncEnumerable<DeliveredEvent>> SubscribeAsync(Guid userId, string? lastEventId, CancellationToken ct);
}
