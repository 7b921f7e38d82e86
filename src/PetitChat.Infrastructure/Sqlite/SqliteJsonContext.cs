using System.Text.Json.Serialization;

namespace PetitChat.Infrastructure.Sqlite;

[JsonSerializable(typeof(string[]))]
internal sealed partial class SqliteJsonContext : JsonSerializerContext;
