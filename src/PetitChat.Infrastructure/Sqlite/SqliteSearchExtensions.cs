using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PetitChat.Core.Search;

namespace PetitChat.Infrastructure.Sqlite;

public static class SqliteSearchExtensions
{
    /// <summary>
    /// Registers <see cref="SqliteSearchIndex"/> (FTS5) as the <see cref="ISearchIndex"/>, in a file
    /// beside the store's (<see cref="SqliteSearchOptions.BesideStore"/>) unless
    /// <c>Search:Sqlite:Path</c> names another, the store's own file included.
    /// </summary>
    public static IHostApplicationBuilder AddSqliteSearch(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SqliteSearchOptions>()
            .BindConfiguration(SqliteSearchOptions.Section)
            .Validate(o => o.SnippetWords is >= 1 and <= 64, "Search:Sqlite:SnippetWords must be between 1 and 64.")
            .Validate(o => o.BestCandidates is >= 1 and <= 100_000, "Search:Sqlite:BestCandidates must be between 1 and 100,000.")
            .Validate(o => o.IdfWindow is >= 100 and <= 10_000_000, "Search:Sqlite:IdfWindow must be between 100 and 10,000,000.")
            .Validate(o => o.BusyTimeoutSeconds >= 0, "Search:Sqlite:BusyTimeoutSeconds must not be negative.")
            .ValidateOnStart();

        var storePath = builder.Configuration[SqliteStoreOptions.Section + ":Path"] ?? SqliteStoreOptions.Default.Path;
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SqliteSearchOptions>>().Value;
            var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            var path = string.IsNullOrWhiteSpace(options.Path) ? SqliteSearchOptions.BesideStore(storePath) : options.Path;
            return new SqliteSearchIndex(options with { Path = Path.GetFullPath(path, contentRoot) });
        });
        builder.Services.AddSingleton<ISearchIndex>(sp => sp.GetRequiredService<SqliteSearchIndex>());
        // The store only when it is SQLite: an index it would have to move out can only be in its file.
        builder.Services.AddHostedService(sp => new SqliteSearchInitializer(sp.GetRequiredService<SqliteSearchIndex>(), sp.GetService<SqliteChatStore>(),
            sp.GetRequiredService<ILogger<SqliteSearchInitializer>>()));
        return builder;
    }
}
