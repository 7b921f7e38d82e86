namespace PetitChat.Core.Apps;

public enum AppDeliveryStatus
{
    /// <summary>Queued, or being retried.</summary>
    Pending,

    Delivered,

    /// <summary>Given up on (refused, or out of attempts): a dead letter an administrator may retry.</summary>
    Failed,
}
