using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Apps;

/// <summary>What an app made of one signed POST: the delivery's status and, on 2xx, what it answered (at most 64 KiB).</summary>
public sealed record AppAnswer(DeliveryStatus Status, string? Reason, TimeSpan? RetryAfter = null, string? Body = null);
