using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace PetitChat.Infrastructure.Nats.Notifications;

/// <summary>
/// The notification side's own NATS connection (its server may differ from the event bus's),
/// with the JetStream and key-value contexts built on it. Reconnects forever, backing off up to 2 s.
/// </summary>
public sealed class NotificationNatsConnection : IAsyncDisposable
{
    public NotificationNatsConnection(IOptions<NatsNotificationOptions> options, ILoggerFactory loggerFactory)
    {
        var o = options.Value;
        Connection = new NatsConnection(NatsOpts.Default with
        {
            Url = o.Url,
            Name = $"petitchat-notify-{Environment.MachineName}-{Environment.ProcessId}",
            LoggerFactory = loggerFactory,
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromSeconds(2),
            AuthOpts = NatsAuthOpts.Default with { Username = o.Username, Password = o.Password, Token = o.Token, CredsFile = o.CredsFile },
        });
        JetStream = new NatsJSContext(Connection);
        KeyValue = new NatsKVContext(JetStream);
    }

    public NatsConnection Connection { get; }

    public NatsJSContext JetStream { get; }

    public NatsKVContext KeyValue { get; }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
