using Microsoft.Extensions.Hosting;

namespace PetitChat.Infrastructure.Sqlite;

public static class SqliteStoreExtensions
{
    // Placeholder until the SQLite adapter lands: registers IChatStore, its options and schema set-up.
    public static IHostApplicationBuilder AddSqliteStore(this IHostApplicationBuilder builder) => builder;
}
