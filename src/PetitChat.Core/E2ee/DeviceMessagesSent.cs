namespace PetitChat.Core.E2ee;

/// <summary>What a send stored, and which devices at their cap lost their oldest messages for it.</summary>
public sealed record DeviceMessagesSent(IReadOnlyList<DeviceMessage> Messages, IReadOnlyList<DeviceInboxTrim> Trimmed);
