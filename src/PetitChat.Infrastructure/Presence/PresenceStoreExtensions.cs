using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Presence;
using PetitChat.Infrastructure.Microsoft365;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Infrastructure.Presence;

public static class PresenceStoreExtensions
{
    /// <summary>
    /// The presence store next to the chats: in the Scylla cluster with <c>Store:Kind=scylla</c>
    /// (its tables are created at start-up with the store's), else in the SQLite file.
    /// </summary>
    public static IHostApplicationBuilder AddPresenceStore(this IHostApplicationBuilder builder)
    {
        if (string.Equals(builder.Configuration["Store:Kind"], "scylla", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.TryAddSingleton<IPresenceStore>(sp => new ScyllaPresenceStore(sp.GetRequiredService<ScyllaChatStore>()));
        }
        else
        {
            builder.Services.TryAddSingleton<IPresenceStore>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
                var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
                return new SqlitePresenceStore(options with { Path = Path.GetFullPath(options.Path, contentRoot) });
            });
        }

        return builder;
    }

    /// <summary>
    /// Microsoft 365 presence (<c>Presence:Microsoft365</c>): the status writer always (it does
    /// nothing while unconfigured); the Graph client and the sync loop when a tenant is set.
    /// Needs <see cref="PresenceService"/>, which the server registers.
    /// </summary>
    public static IHostApplicationBuilder AddMicrosoft365Presence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<Microsoft365Options>().BindConfiguration(Microsoft365Options.Section)
            .Validate(o => o.IsValid,
                "Presence:Microsoft365 with a TenantId needs ClientId, ClientSecret, https URLs (http only on loopback), a positive SyncInterval and Timeout, and BatchSize 1..650.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<Microsoft365Options>>().Value);
        builder.Services.AddSingleton(sp => new Microsoft365Graph(sp.GetRequiredService<Microsoft365Options>(), sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<Microsoft365StatusWriter>();
        builder.Services.AddSingleton<Microsoft365PresenceSync>();
        var options = builder.Configuration.GetSection(Microsoft365Options.Section).Get<Microsoft365Options>() ?? new Microsoft365Options();
        if (options.IsEnabled && options.RunSync)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Microsoft365PresenceSync>());
        }

        return builder;
    }
}
