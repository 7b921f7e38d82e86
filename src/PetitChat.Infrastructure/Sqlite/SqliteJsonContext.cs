using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Sqlite;

[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Guid[]))]
[JsonSerializable(typeof(PetitChat.Core.E2ee.EncryptedPayload))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
