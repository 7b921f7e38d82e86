using System.Text.Json;
using PetitChat.Core.E2ee;

namespace PetitChat.Server.E2ee;

public sealed record DeviceMessageDto(
    Guid Id, Guid UserId, string DeviceId, Guid SenderId, string SenderDeviceId, string Type, JsonElement Content, DateTimeOffset CreatedAt)
{
    public static DeviceMessageDto From(DeviceMessage message)
    {
        using var content = JsonDocument.Parse(message.Content);
        return new DeviceMessageDto(message.Id, message.RecipientId, message.RecipientDeviceId, message.SenderId, message.SenderDeviceId,
            message.Type, content.RootElement.Clone(), message.CreatedAt);
    }
}
