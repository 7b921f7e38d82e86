using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PetitChat.Core.Common;
using PetitChat.Core.Notifications;
using PetitChat.Infrastructure.InProcess;
using PetitChat.Infrastructure.InProcess.Notifications;
using PetitChat.Infrastructure.Nats.Notifications;
using PetitChat.Infrastructure.Presence;
using PetitChat.Infrastructure.Scylla;
using PetitChat.Infrastructure.Sqlite;
using PetitChat.Infrastructure.Webhooks;
using PetitChat.Infrastructure.WebPush;

namespace PetitChat.Infrastructure.Notifications;

public static class NotificationExtensions
{
    /// <summary>
    /// Notifications: the policy's options (<c>Notifications</c>), the queue, ledger and presence
    /// picked by <c>Notifications:Kind</c> (<c>inprocess</c> or <c>nats</c>), the settings store
    /// next to the chat store, and the Web Push and webhook channels. The worker itself is added
    /// by <see cref="AddNotificationWorker"/>, in the Notifier and in an embedded server.
    /// </summary>
    public static IHostApplicationBuilder AddNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NotificationOptions>().BindConfiguration(NotificationOptions.Section)
            .Validate(o => o.ReadDelay >= TimeSpan.Zero && o.PreviewLength > 0 && o.Retry.IsValid,
                "Notifications needs ReadDelay >= 0, PreviewLength > 0, and Retry with MaxAttempts > 0, 0 < FirstDelay <= MaxDelay and MaxRetryAfter >= 0.")
            .Validate(o => o.TargetTimeout > TimeSpan.Zero && o.Lanes.IsValid,
                "Notifications needs TargetTimeout > 0, and Lanes with Count 1..1024, Concurrency 1..256, MaxQueued > 0 and MaxQueuedPerUser > 0.")
            .Validate(o => o.ClaimLease > o.TargetTimeout,
                "Notifications:ClaimLease must be longer than Notifications:TargetTimeout: a claim must outlast the send it guards.")
            .ValidateOnStart();
        builder.Services.AddOptions<OutboundHttpOptions>().BindConfiguration(OutboundHttpOptions.Section)
            .Validate(o => o.Timeout > TimeSpan.Zero, "Notifications:Outbound:Timeout must be positive.")
            .ValidateOnStart();
        builder.Services.AddOptions<WebPushOptions>().BindConfiguration(WebPushOptions.Section)
            .Validate(o => o.Subject.StartsWith("mailto:", StringComparison.Ordinal) || o.Subject.StartsWith("https://", StringComparison.Ordinal),
                "Notifications:WebPush:Subject must be a mailto: or https: URL (RFC 8292).")
            .Validate(o => string.IsNullOrWhiteSpace(o.PublicKey) == string.IsNullOrWhiteSpace(o.PrivateKey),
                "Set both Notifications:WebPush:PublicKey and PrivateKey, or neither.")
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<NotificationOptions>>().Value);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<NotificationOptions>().Retry);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<NotificationOptions>().Lanes);
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<WebPushOptions>>().Value);
        builder.Services.AddSingleton(sp => VapidKeys.Resolve(sp.GetRequiredService<WebPushOptions>(),
            sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
        builder.Services.AddSingleton<OutboundHttp>();
        builder.Services.AddSingleton<INotificationChannel, WebPushChannel>();
        builder.Services.AddSingleton<INotificationChannel, WebhookChannel>();
        builder.Services.AddSingleton<NotificationPlanner>();
        builder.Services.AddSingleton<NotificationWorker>();

        // The settings live next to the chats: in the Scylla cluster with Store:Kind=scylla (its
        // table is created at start-up with the store's), else in the SQLite file (Store:Sqlite:Path).
        if (string.Equals(builder.Configuration["Store:Kind"], "scylla", StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSingleton<INotificationSettingsStore>(sp => new ScyllaNotificationSettingsStore(sp.GetRequiredService<ScyllaChatStore>()));
        }
        else
        {
            builder.Services.AddSingleton<INotificationSettingsStore>(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SqliteStoreOptions>>().Value;
                var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
                return new SqliteNotificationSettingsStore(options with { Path = Path.GetFullPath(options.Path, contentRoot) });
            });
        }

        // The worker reads a user's do-not-disturb from the presence store.
        builder.AddPresenceStore();

        var kind = KindOf(builder.Configuration);
        switch (kind.ToLowerInvariant())
        {
            case "inprocess":
                if (string.Equals(builder.Configuration["Bus:Kind"], "nats", StringComparison.OrdinalIgnoreCase))
                {
                    builder.Services.AddHostedService<NodeLocalPresenceWarning>();
                }

                builder.Services.AddSingleton<INotificationQueue, InProcessNotificationQueue>();
                builder.Services.AddSingleton<IDeliveryLedger, InMemoryDeliveryLedger>();
                builder.Services.AddSingleton<IPresence, InProcessPresence>();
                builder.Services.AddSingleton<IWindowCounter, InProcessWindowCounter>();
                break;
            case "nats":
                builder.AddNatsNotifications();
                break;
            default:
                throw new InvalidOperationException($"Notifications:Kind '{kind}' is not known; use 'inprocess' or 'nats'.");
        }

        return builder;
    }

    /// <summary><c>Notifications:Kind</c>, <c>inprocess</c> when it is not set.</summary>
    public static string KindOf(IConfiguration configuration) => configuration["Notifications:Kind"] ?? "inprocess";

    /// <summary>The worker loop (<see cref="NotificationWorkerService"/>) in this host.</summary>
    public static IHostApplicationBuilder AddNotificationWorker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<NotificationWorkerService>();
        return builder;
    }
}
