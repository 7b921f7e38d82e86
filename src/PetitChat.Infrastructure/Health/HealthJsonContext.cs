using System.Text.Json;
using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Health;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HealthDocument))]
internal sealed partial class HealthJsonContext : JsonSerializerContext;
