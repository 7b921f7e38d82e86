using System.Text.Json;

namespace PetitChat.Server.E2ee;

/// <summary>One to-device message: <c>content</c> is any JSON object, kept as sent.</summary>
public sealed record OutgoingDeviceMessage(Guid UserId, string? DeviceId, string? Type, JsonElement Content);
