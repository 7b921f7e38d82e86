using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using PetitChat.Core.Common;
using PetitChat.Core.Notifications;

namespace PetitChat.Infrastructure.Nats.Notifications;

public static class NatsNotificationExtensions
{
    /// <summary>
    /// The notification queue, delivery ledger and presence on NATS JetStream, options from
    /// <c>Notifications:Nats</c>, and a start-up step that creates the streams, consumers and buckets.
    /// </summary>
    public static IHostApplicationBuilder AddNatsNotifications(this IHostApplicationBuilder builder)
    {
        // With no server of its own, the queue uses the bus's NATS (its address, credentials, replicas and timeout).
        if (builder.Configuration[NatsNotificationOptions.Section + ":Url"] is null
            && string.Equals(builder.Configuration["Bus:Kind"], "nats", StringComparison.OrdinalIgnoreCase))
        {
            string[] shared = ["Url", "Username", "Password", "Token", "CredsFile", "Replicas", "RequestTimeout"];
            builder.Configuration.AddInMemoryCollection(shared
                .Where(name => builder.Configuration[$"{NatsBusOptions.Section}:{name}"] is not null
                    && builder.Configuration[$"{NatsNotificationOptions.Section}:{name}"] is null)
                .Select(name => KeyValuePair.Create($"{NatsNotificationOptions.Section}:{name}", builder.Configuration[$"{NatsBusOptions.Section}:{name}"])));
        }

        builder.Services.AddOptions<NatsNotificationOptions>()
            .BindConfiguration(NatsNotificationOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Url), "Notifications:Nats:Url must name a NATS server.")
            .Validate(o => o.Partitions is > 0 and <= 4096 && o.FanPartitions is > 0 and <= 4096, "Notifications:Nats:Partitions and FanPartitions must be between 1 and 4096.")
            .Validate(o => o.NodeExpiry >= TimeSpan.FromSeconds(1) && o.NodeExpiry < o.PresenceExpiry && o.ActivityRetention > TimeSpan.Zero,
                "Notifications:Nats needs NodeExpiry >= 1 s and shorter than PresenceExpiry (a dead node is noticed before its keys expire), and a positive ActivityRetention.")
            .Validate(o => o.AckWait >= TimeSpan.FromSeconds(1) && o.PresenceExpiry >= TimeSpan.FromSeconds(3)
                && o.LedgerRetention > TimeSpan.Zero && o.DeadLetterRetention > TimeSpan.Zero && o.Replicas > 0 && o.RequestTimeout > TimeSpan.Zero,
                "Notifications:Nats needs AckWait >= 1 s, PresenceExpiry >= 3 s, and positive retentions, replicas and RequestTimeout.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NotificationNatsConnection>();
        builder.Services.AddSingleton<NatsNotificationQueue>();
        builder.Services.AddSingleton<INotificationQueue>(sp => sp.GetRequiredService<NatsNotificationQueue>());
        builder.Services.AddSingleton<NatsDeliveryLedger>();
        builder.Services.AddSingleton<IDeliveryLedger>(sp => sp.GetRequiredService<NatsDeliveryLedger>());
        builder.Services.AddSingleton<NatsPresence>();
        builder.Services.AddSingleton<IPresence>(sp => sp.GetRequiredService<NatsPresence>());
        builder.Services.AddSingleton<NatsWindowCounter>();
        builder.Services.AddSingleton<IWindowCounter>(sp => sp.GetRequiredService<NatsWindowCounter>());
        builder.Services.AddHostedService<NatsNotificationSetup>();
        builder.Services.AddHostedService<NatsQueueGauge>();
        return builder;
    }
}
