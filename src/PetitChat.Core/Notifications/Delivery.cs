namespace PetitChat.Core.Notifications;

/// <summary>The result of one delivery to one channel target.</summary>
public enum DeliveryStatus
{
    Delivered,

    /// <summary>The target no longer exists (Web Push 404/410) and was removed: nothing to retry.</summary>
    Removed,

    /// <summary>May pass: try again later.</summary>
    Retry,

    /// <summary>Will not pass by retrying (refused address, 4xx).</summary>
    Failed,
}

public sealed record Delivery(DeliveryStatus Status, string? Reason = null, TimeSpan? RetryAfter = null)
{
    public static readonly Delivery Ok = new(DeliveryStatus.Delivered);
}
