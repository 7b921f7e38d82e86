namespace PetitChat.Core.E2ee;

/// <summary>
/// A to-device message (a key share): opaque <paramref name="Content"/> (JSON text) from one
/// device to another, kept until the recipient device acknowledges it.
/// </summary>
public sealed record DeviceMessage(
    Guid Id,
    Guid RecipientId,
    string RecipientDeviceId,
    Guid SenderId,
    string SenderDeviceId,
    string Type,
    string Content,
    DateTimeOffset CreatedAt);
