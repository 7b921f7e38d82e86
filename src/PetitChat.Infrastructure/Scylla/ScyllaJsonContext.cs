using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Scylla;

[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(PetitChat.Core.E2ee.EncryptedPayload))]
internal sealed partial class ScyllaJsonContext : JsonSerializerContext;
