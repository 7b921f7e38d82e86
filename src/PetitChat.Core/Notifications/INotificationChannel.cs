namespace PetitChat.Core.Notifications;

/// <summary>A way to reach a user whose app is closed: Web Push, a webhook.</summary>
public interface INotificationChannel
{
    /// <summary>A short name, part of the idempotency key of each delivery.</summary>
    string Name { get; }

    /// <summary>Where this user is reached on this channel (none when they did not set it up).</summary>
    Task<IReadOnlyList<ChannelTarget>> TargetsAsync(Guid userId, CancellationToken ct);

    /// <summary>Delivers once; never throws for a delivery failure, it returns it.</summary>
    Task<Delivery> DeliverAsync(ChannelTarget target, Notification notification, CancellationToken ct);
}
