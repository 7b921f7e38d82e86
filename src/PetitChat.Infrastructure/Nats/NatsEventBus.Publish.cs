using System.Diagnostics;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PetitChat.Core.Events;
using PetitChat.Infrastructure.Telemetry;

namespace PetitChat.Infrastructure.Nats;

public sealed partial class NatsEventBus
{
    /// <summary>
    /// Recipients named by one stored message at most (33 bytes each in its header): a bigger
    /// fan-out, a presence change seen by thousands, goes out as several messages.
    /// </summary>
    internal const int RecipientsPerMessage = 1_000;

    /// <summary>
    /// Stores the event once for all its recipients (once per <see cref="RecipientsPerMessage"/>
    /// of them), and completes when JetStream has acknowledged it: it is then stored, and any node
    /// can replay it. Not acknowledged within <see cref="NatsBusOptions.RequestTimeout"/>, the call
    /// fails with <see cref="EventBusUnavailableException"/>: nothing is reported as sent that was
    /// not stored. Its recipients are then owed a <see cref="StreamReset"/>, published once NATS takes it.
    /// </summary>
    public async Task PublishAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        var (type, body) = NatsEventCodec.Encode(liveEvent);
        // A new signal's message id comes from the signal, so that the copy a repeated send
        // publishes (SignalCreated.Repeat) is dropped by the stream's duplicate window.
        var eventId = liveEvent is SignalCreated created ? $"signal.{created.Signal.Id:N}" : Guid.CreateVersion7().ToString("N");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            if (recipients.Count <= RecipientsPerMessage)
            {
                await StoreAsync(type, body, recipients, eventId, timeout.Token);
            }
            else
            {
                await Task.WhenAll(recipients.Chunk(RecipientsPerMessage)
                    .Select((part, i) => StoreAsync(type, body, part, $"{eventId}.{i}", timeout.Token)));
            }

            BusMetrics.FanoutDone(Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogPublishFailed(e, type, recipients.Count);
            OweResets(recipients);
            throw new EventBusUnavailableException($"NATS did not store the '{type}' event for its {recipients.Count} recipient(s): {e.Message}", e);
        }
    }

    /// <summary>
    /// Core NATS, not JetStream: one message for all the recipients on the ephemeral subject,
    /// which every node listens to. Nothing is stored, so nothing is replayed; a node that is not
    /// connected at that moment simply misses it.
    /// </summary>
    public async Task PublishEphemeralAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        var (type, body) = NatsEventCodec.Encode(liveEvent);
        try
        {
            foreach (var part in recipients.Chunk(RecipientsPerMessage))
            {
                var headers = new NatsHeaders { [NatsEventCodec.TypeHeader] = type, [RecipientsHeader] = RecipientsValue(part) };
                await _connection.PublishAsync(_options.EphemeralSubject, body, headers: headers, cancellationToken: ct);
            }
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            throw new EventBusUnavailableException($"NATS did not take the ephemeral '{type}' event: {e.Message}", e);
        }
    }

    /// <summary>One stored message for <paramref name="recipients"/>; <paramref name="ct"/> carries the publish's deadline.</summary>
    private async Task StoreAsync(string type, byte[] body, IEnumerable<Guid> recipients, string messageId, CancellationToken ct)
    {
        var headers = new NatsHeaders { [NatsEventCodec.TypeHeader] = type, [RecipientsHeader] = RecipientsValue(recipients) };
        var opts = new NatsJSPubOpts { MsgId = messageId };
        try
        {
            Stored(await _js.PublishAsync(_options.EventsSubject, body, opts: opts, headers: headers, cancellationToken: ct));
        }
        catch (NatsJSPublishNoResponseException)
        {
            // No stream listens on the subject: NATS came back without its store (a new server,
            // a wiped directory). Recreate the stream and publish again, once.
            await EnsureStreamAsync(ct);
            Stored(await _js.PublishAsync(_options.EventsSubject, body, opts: opts, headers: headers, cancellationToken: ct));
        }
    }

    /// <summary>A duplicate (same message id within the window) is stored already: that is success too.</summary>
    private static void Stored(PubAckResponse ack)
    {
        if (ack.Error is not null || !ack.Duplicate)
        {
            ack.EnsureSuccess();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing a {EventType} event to {Recipients} recipient(s) failed")]
    private partial void LogPublishFailed(Exception exception, string eventType, int recipients);
}
