using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

public sealed partial class NatsEventBus
{
    /// <summary>
    /// Core NATS publishes (no JetStream): each node subscribes to
    /// <see cref="NatsBusOptions.EphemeralSubjectOf"/> for the users whose streams it holds, so
    /// the event reaches their open streams on any node and is gone otherwise.
    /// </summary>
    public async Task PublishEphemeralAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        var (type, body) = NatsEventCodec.Encode(liveEvent);
        var headers = new NatsHeaders { [NatsEventCodec.TypeHeader] = type };
        try
        {
            foreach (var userId in recipients)
            {
                await _connection.PublishAsync(_options.EphemeralSubjectOf(userId), body, headers: headers, cancellationToken: ct);
            }
        }
        catch (NatsException e)
        {
            // Ephemeral by contract: a lost one is not an error the caller can act on.
            LogEphemeralFailed(e, type, recipients.Count);
        }
    }

    /// <summary>
    /// Subscribes to the user's ephemeral subject and waits for the server to have it (a ping
    /// round-trip), so an event published once the stream is live reaches it.
    /// </summary>
    private async Task<INatsSub<byte[]>> SubscribeEphemeralAsync(Guid userId, CancellationToken ct)
    {
        var sub = await _connection.SubscribeCoreAsync<byte[]>(_options.EphemeralSubjectOf(userId), cancellationToken: ct);
        await _connection.PingAsync(ct);
        return sub;
    }

    private static async Task PumpEphemeralAsync(INatsSub<byte[]> sub, System.Threading.Channels.ChannelWriter<DeliveredEvent> writer, CancellationToken ct)
    {
        try
        {
            await foreach (var msg in sub.Msgs.ReadAllAsync(ct))
            {
                if (NatsEventCodec.Decode(msg.Headers?[NatsEventCodec.TypeHeader].ToString(), msg.Data) is { } liveEvent)
                {
                    // Never waits: a subscriber too slow for ephemeral events just misses some.
                    writer.TryWrite(new DeliveredEvent(null, liveEvent));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            await sub.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing an ephemeral {EventType} event to {Recipients} recipient(s) failed")]
    private partial void LogEphemeralFailed(Exception exception, string eventType, int recipients);
}
