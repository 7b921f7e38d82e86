namespace PetitChat.Core.E2ee;

/// <summary>
/// A device that held <see cref="E2eeLimits.MaxPendingPerDevice"/> unacknowledged messages lost
/// its <paramref name="Dropped"/> oldest ones to make room for a send.
/// </summary>
public sealed record DeviceInboxTrim(Guid UserId, string DeviceId, int Dropped);
