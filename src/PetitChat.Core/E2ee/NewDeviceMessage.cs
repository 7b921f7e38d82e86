namespace PetitChat.Core.E2ee;

/// <summary>One message of a to-device send: for <paramref name="UserId"/>'s device <paramref name="DeviceId"/>.</summary>
public sealed record NewDeviceMessage(Guid UserId, string DeviceId, string Type, string Content);
