namespace PetitChat.Server.E2ee;

public sealed record DevicesDto(IReadOnlyList<DeviceDto> Items);
