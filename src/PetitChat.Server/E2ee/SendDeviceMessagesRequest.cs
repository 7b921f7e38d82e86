namespace PetitChat.Server.E2ee;

/// <summary><c>content</c> is any JSON object, kept as sent (a key share's envelope).</summary>
public sealed record SendDeviceMessagesRequest(string? SenderDeviceId, IReadOnlyList<OutgoingDeviceMessage>? Messages);
