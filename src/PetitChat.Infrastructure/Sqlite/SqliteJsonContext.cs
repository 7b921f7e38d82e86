using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Sqlite;

[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Guid[]))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
