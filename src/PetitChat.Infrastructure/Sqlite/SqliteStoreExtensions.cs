using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Storage;

namespace PetitChat.Infrastructure.Sqlite;

public static class SqliteStoreExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteChatStore"/> as the <see cref="IChatStore"/> and its narrow ports, its options from
    /// <c>Store:Sqlite</c>, and a start-up step that creates or upgrades the schema.
    /// </summary>
    public static IHostApplicationBuilder AddSqliteStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SqliteStoreOptions>()
            .BindConfiguration(SqliteStoreOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Store:Sqlite:Path must not be empty.")
            .Validate(o => o.BusyTimeoutSeconds >= 0, "Store:Sqlite:BusyTimeoutSeconds must not be negative.")
            .Validate(o => o.GroupCommitMaxBatch is >= 1 and <= 10_000, "Store:Sqlite:GroupCommitMaxBatch must be between 1 and 10000.")
            .Validate(o => o.CheckpointInterval >= TimeSpan.Zero, "Store:Sqlite:CheckpointInterval must not be negative.")
            .Validate(o => o.WalRestartBytes >= 1024 * 1024, "Store:Sqlite:WalRestartBytes must be at least 1048576 (1 MiB).")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
            var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            // Resolved here rather than against the working directory, so that `dotnet run` from
            // another folder and the test host both land in the same place.
            return new SqliteChatStore(options with { Path = System.IO.Path.GetFullPath(options.Path, contentRoot) });
        });
        builder.Services.AddChatStorePorts<SqliteChatStore>();
        builder.Services.AddHostedService<SqliteSchemaInitializer>();
        return builder;
    }
}
