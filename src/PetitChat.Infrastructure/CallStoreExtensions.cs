using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Calls;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Infrastructure;

public static class CallStoreExtensions
{
    /// <summary>
    /// Calls live next to the chats: in the Scylla cluster with Store:Kind=scylla (its table is
    /// created at start-up with the store's), else in the SQLite file (Store:Sqlite:Path).
    /// </summary>
    public static IHostApplicationBuilder AddCallStore(this IHostApplicationBuilder builder)
    {
        if (string.Equals(builder.Configuration["Store:Kind"], "scylla", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<ICallStore>(sp => new ScyllaCallStore(sp.GetRequiredService<ScyllaChatStore>()));
        }
        else
        {
            builder.Services.AddSingleton<ICallStore>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
                var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
                return new SqliteCallStore(options with { Path = Path.GetFullPath(options.Path, contentRoot) });
            });
        }

        return builder;
    }
}
