using PetitChat.Core.E2ee;

namespace PetitChat.Server.E2ee;

public sealed record DeviceDto(Guid UserId, string DeviceId, string Name, JwkDto IdentityKey, JwkDto AgreementKey, string Signature, DateTimeOffset CreatedAt)
{
    public static DeviceDto From(Device device) => new(device.UserId, device.DeviceId, device.Name, JwkDto.From(device.IdentityKey),
        JwkDto.From(device.AgreementKey), device.Signature, device.CreatedAt);
}
