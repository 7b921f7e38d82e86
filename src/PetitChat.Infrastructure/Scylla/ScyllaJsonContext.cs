using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Scylla;

[JsonSerializable(typeof(string[]))]
internal sealed partial class ScyllaJsonContext : JsonSerializerContext;
