using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Meilisearch;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(MeiliDocument[]))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(MeiliCreateIndex))]
[JsonSerializable(typeof(MeiliSettings))]
[JsonSerializable(typeof(MeiliSearchRequest))]
[JsonSerializable(typeof(MeiliSearchResponse))]
[JsonSerializable(typeof(MeiliEnqueuedTask))]
[JsonSerializable(typeof(MeiliTask))]
[JsonSerializable(typeof(MeiliError))]
internal sealed partial class MeilisearchJsonContext : JsonSerializerContext;
