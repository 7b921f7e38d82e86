namespace PetitChat.Server.E2ee;

public sealed record SentDeviceMessageDto(Guid Id, Guid UserId, string DeviceId);
