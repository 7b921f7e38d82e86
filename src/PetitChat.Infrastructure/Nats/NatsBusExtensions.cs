using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

public static class NatsBusExtensions
{
    /// <summary>
    /// The bus across nodes: a NATS connection that reconnects by itself, <see cref="NatsEventBus"/>
    /// as the <see cref="IEventBus"/>, stream tickets in a NATS key-value bucket, options from
    /// <c>Bus:Nats</c>, and a start-up step that creates or updates the stream and the bucket.
    /// </summary>
    public static IHostApplicationBuilder AddNatsEventBus(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<NatsBusOptions>()
            .BindConfiguration(NatsBusOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Url), "Bus:Nats:Url must name a NATS server.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.StreamName) && !string.IsNullOrWhiteSpace(o.SubjectPrefix),
                "Bus:Nats:StreamName and Bus:Nats:SubjectPrefix must not be empty.")
            .Validate(o => o.Retention > TimeSpan.Zero && o.SubscriberBuffer > 0 && o.MaxReplay > 0 && o.LiveBuffer > 0 && o.RequestTimeout > TimeSpan.Zero && o.Replicas > 0
                           && o.TicketRetention > TimeSpan.Zero && !string.IsNullOrWhiteSpace(o.TicketBucket),
                "Bus:Nats needs a positive Retention, SubscriberBuffer, MaxReplay, LiveBuffer, RequestTimeout, Replicas and TicketRetention, and a TicketBucket.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<INatsConnection>(sp => new NatsConnection(
            ConnectionOptions(sp.GetRequiredService<IOptions<NatsBusOptions>>().Value, sp.GetRequiredService<ILoggerFactory>())));
        builder.Services.AddSingleton<NatsEventBus>();
        builder.Services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<NatsEventBus>());
        builder.Services.AddSingleton<NatsTicketStore>();
        builder.Services.AddSingleton<IEventTicketStore>(sp => sp.GetRequiredService<NatsTicketStore>());
        builder.Services.AddHostedService<NatsStreamSetup>();
        builder.Services.AddSingleton<PetitChat.Core.Chats.IRosterChanges, NatsRosterChanges>();
        return builder;
    }

    /// <summary>Connection settings: credentials from the options, and reconnect forever, backing off up to 2 s.</summary>
    public static NatsOpts ConnectionOptions(NatsBusOptions options, ILoggerFactory? loggerFactory = null) => NatsOpts.Default with
    {
        Url = options.Url,
        Name = $"petitchat-{Environment.MachineName}-{Environment.ProcessId}",
        LoggerFactory = loggerFactory ?? NatsOpts.Default.LoggerFactory,
        MaxReconnectRetry = -1,
        ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
        ReconnectWaitMax = TimeSpan.FromSeconds(2),
        AuthOpts = NatsAuthOpts.Default with
        {
            Username = options.Username,
            Password = options.Password,
            Token = options.Token,
            CredsFile = options.CredsFile,
        },
    };
}
