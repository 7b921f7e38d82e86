using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Apps;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Infrastructure.Sqlite;

namespace PetitChat.Infrastructure.Apps;

public static class AppsExtensions
{
    /// <summary>
    /// Apps: options (<c>Apps</c>), their stores next to the chat store (the Scylla cluster with
    /// <c>Store:Kind=scylla</c>, else the SQLite file), the signed outbound posts and the handler of
    /// app deliveries that the notification worker runs. Needs <c>AddNotifications</c> (the outbound client and queue).
    /// </summary>
    public static IHostApplicationBuilder AddApps(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AppOptions>().BindConfiguration(AppOptions.Section)
            .Validate(o => o.IsValid, "Apps needs positive limits, CommandTimeout and ResponseUrlLifetime, DirectoryRefresh >= 0, "
                + "DeliveryRecordInterval between 0 and 1 minute and DeliveryRecordBatch at most 10000.")
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<AppOptions>>().Value);

        if (string.Equals(builder.Configuration["Store:Kind"], "scylla", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton(sp => new ScyllaAppStore(sp.GetRequiredService<ScyllaChatStore>()));
            builder.Services.AddSingleton<IAppStore>(sp => sp.GetRequiredService<ScyllaAppStore>());
            builder.Services.AddSingleton<IIncomingWebhookStore>(sp => sp.GetRequiredService<ScyllaAppStore>());
            builder.Services.AddSingleton<IAppDeliveryStore>(sp => sp.GetRequiredService<ScyllaAppStore>());
        }
        else
        {
            builder.Services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
                var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
                return new SqliteAppStore(options with { Path = Path.GetFullPath(options.Path, contentRoot) });
            });
            builder.Services.AddSingleton<IAppStore>(sp => sp.GetRequiredService<SqliteAppStore>());
            builder.Services.AddSingleton<IIncomingWebhookStore>(sp => sp.GetRequiredService<SqliteAppStore>());
            builder.Services.AddSingleton<IAppDeliveryStore>(sp => sp.GetRequiredService<SqliteAppStore>());
        }

        builder.Services.AddSingleton<AppHttp>();
        builder.Services.AddSingleton<AppDeliveryRecorder>();
        builder.Services.AddSingleton<AppDeliveryHandler>();
        return builder;
    }
}
