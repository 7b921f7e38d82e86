namespace PetitChat.Server.E2ee;

public sealed record DevicesSentDto(IReadOnlyList<SentDeviceMessageDto> Items);
