using System.Text.Json.Serialization;
using PetitChat.Core.Apps;

namespace PetitChat.Infrastructure.Apps;

/// <summary>How the app adapters store their records (one JSON document per row or item), camelCase, enums as names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(App))]
[JsonSerializable(typeof(IncomingWebhook))]
[JsonSerializable(typeof(AppDelivery))]
internal sealed partial class AppsJsonContext : JsonSerializerContext;
