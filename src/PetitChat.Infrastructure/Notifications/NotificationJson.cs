using System.Text.Json;
using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Notifications;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NotificationPayload))]
[JsonSerializable(typeof(PetitChat.Infrastructure.WebPush.VapidKeys))]
internal sealed partial class NotificationJson : JsonSerializerContext;
