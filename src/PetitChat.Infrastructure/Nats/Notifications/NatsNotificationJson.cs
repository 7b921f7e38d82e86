using System.Text.Json;
using System.Text.Json.Serialization;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>The wire format of jobs and dead letters on NATS (source-generated, camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(NotificationJob))]
[JsonSerializable(typeof(DeadLetter))]
[JsonSerializable(typeof(NotificationFan))]
internal sealed partial class NatsNotificationJson : JsonSerializerContext;
