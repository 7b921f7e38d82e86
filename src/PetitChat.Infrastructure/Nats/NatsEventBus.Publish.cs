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
    /// Publishes one message per recipient, all at once, and completes when JetStream has
    /// acknowledged every one (it is then stored, and any node can replay it). Any message not
    /// acknowledged within <see cref="NatsBusOptions.RequestTimeout"/> fails the whole call with
    /// <see cref="EventBusUnavailableException"/>: nothing is reported as sent that was not stored.
    /// Its recipients are then owed a <see cref="StreamReset"/>, published once NATS takes it.
    /// </summary>
    public async Task PublishAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        var (type, body) = NatsEventCodec.Encode(liveEvent);
        // A new signal's message ids come from the signal, so that the copy a repeated send
        // publishes (SignalCreated.Repeat) is dropped by the stream's duplicate window.
        var eventId = liveEvent is SignalCreated created ? $"signal.{created.Signal.Id:N}" : Guid.CreateVersion7().ToString("N");
        // One deadline for the whole fan-out, not a timer per recipient.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.RequestTimeout);
        var started = Stopwatch.GetTimestamp();
        var publishes = new Task[recipients.Count];
        var i = 0;
        foreach (var userId in recipients)
        {
            publishes[i++] = PublishOneAsync(userId, type, body, $"{eventId}.{userId:N}", timeout.Token);
        }

        try
        {
            await Task.WhenAll(publishes);
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
    /// Core NATS, not JetStream: one message per recipient on its ephemeral subject, which only
    /// the nodes holding that user's open streams subscribe to. Nothing is stored, so nothing is
    /// replayed; a node that is not connected at that moment simply misses it.
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
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            throw new EventBusUnavailableException($"NATS did not take the ephemeral '{type}' event: {e.Message}", e);
        }
    }

    /// <summary>One recipient's copy; <paramref name="ct"/> carries the fan-out's deadline.</summary>
    private async Task PublishOneAsync(Guid userId, string type, byte[] body, string messageId, CancellationToken ct)
    {
        var subject = _options.SubjectOf(userId);
        var headers = new NatsHeaders { [NatsEventCodec.TypeHeader] = type };
        var opts = new NatsJSPubOpts { MsgId = messageId };
        try
        {
            Stored(await _js.PublishAsync(subject, body, opts: opts, headers: headers, cancellationToken: ct));
        }
        catch (NatsJSPublishNoResponseException)
        {
            // No stream listens on the subject: NATS came back without its store (a new server,
            // a wiped directory). Recreate the stream and publish again, once.
            await EnsureStreamAsync(ct);
            Stored(await _js.PublishAsync(subject, body, opts: opts, headers: headers, cancellationToken: ct));
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
