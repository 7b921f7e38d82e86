using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.E2ee;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Infrastructure;

public static class E2eeStoreExtensions
{
    /// <summary>
    /// Devices and to-device messages live next to the chats: in the Scylla cluster with
    /// <c>Store:Kind=scylla</c> (tables created at start-up with the store's), else in the SQLite file.
    /// </summary>
    public static IHostApplicationBuilder AddE2eeStores(this IHostApplicationBuilder builder)
    {
        if (string.Equals(builder.Configuration["Store:Kind"], "scylla", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton(sp => new ScyllaDeviceStore(sp.GetRequiredService<ScyllaChatStore>()));
            builder.Services.AddSingleton<IDeviceStore>(sp => sp.GetRequiredService<ScyllaDeviceStore>());
            builder.Services.AddSingleton<IDeviceMessageStore>(sp => sp.GetRequiredService<ScyllaDeviceStore>());
        }
        else
        {
            builder.Services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
                var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
                return new SqliteDeviceStore(options with { Path = Path.GetFullPath(options.Path, contentRoot) });
            });
            builder.Services.AddSingleton<IDeviceStore>(sp => sp.GetRequiredService<SqliteDeviceStore>());
            builder.Services.AddSingleton<IDeviceMessageStore>(sp => sp.GetRequiredService<SqliteDeviceStore>());
        }

        return builder;
    }
}
