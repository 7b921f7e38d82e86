using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

public sealed partial class NatsEventBus
{
    private static readonly TimeSpan ConsumerInactiveThreshold = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Registers the stream with the node's live subscription first, then reads the stream's
    /// state once: events stored after it arrive live, events up to it that the client missed are
    /// read from the stream (replay). Live events that come during the replay are held back and
    /// follow it, so replay and live join without a gap or a duplicate, whichever node published.
    /// </summary>
    public async Task<IAsyncEnumerable<DeliveredEvent>> SubscribeAsync(Guid userId, string? lastEventId, CancellationToken ct)
    {
        var subscriber = new NatsLiveSubscriber(userId, _options.SubscriberBuffer);
        Register(subscriber);
        StreamState state;
        ulong? resumeAfter;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(_options.RequestTimeout);
            await LiveReadyAsync(timeout.Token);
            state = await StreamStateAsync(timeout.Token);
            resumeAfter = string.IsNullOrEmpty(lastEventId) ? state.LastSeq : await ResumableAsync(lastEventId, state, timeout.Token);
        }
        catch (Exception e) when (e is NatsException or TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            Unregister(subscriber);
            throw new EventBusUnavailableException($"NATS is unreachable, so the live stream cannot start: {e.Message}", e);
        }
        catch
        {
            Unregister(subscriber);
            throw;
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The stream leaves the node's dispatcher when its token ends, even if it is never read
        // (an async iterator disposed before its first step runs no finally).
        var leave = ct.Register(() => Unregister(subscriber));
        var replay = Task.CompletedTask;
        if (resumeAfter is null)
        {
            // From the stream's last sequence on: resuming from the reset's id gives what follows it.
            subscriber.Start(new DeliveredEvent(IdOf(state.LastSeq), new StreamReset()));
            subscriber.GoLive(state.LastSeq);
        }
        else if (resumeAfter.Value >= state.LastSeq)
        {
            subscriber.GoLive(state.LastSeq);
        }
        else
        {
            replay = ReplayAsync(subscriber, resumeAfter.Value + 1, state.LastSeq, stop.Token);
        }

        return Read(subscriber, replay, stop, leave, ct);
    }

    private async Task<StreamState> StreamStateAsync(CancellationToken ct)
    {
        try
        {
            return (await _js.GetStreamAsync(_options.StreamName, cancellationToken: ct)).Info.State;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            await EnsureStreamAsync(ct);
            return (await _js.GetStreamAsync(_options.StreamName, cancellationToken: ct)).Info.State;
        }
    }

    /// <summary>
    /// The sequence to resume after, or null when the id cannot be resumed from: not an id of
    /// this stream, events after it are gone (older than the retention window), or more than
    /// <see cref="NatsBusOptions.MaxReplay"/> messages were stored since.
    /// </summary>
    private async Task<ulong?> ResumableAsync(string lastEventId, StreamState state, CancellationToken ct)
    {
        if (!ulong.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last > state.LastSeq
            || last + 1 < state.FirstSeq
            || state.LastSeq - last > (ulong)_options.MaxReplay)
        {
            return null;
        }

        if (last == state.LastSeq)
        {
            return last;
        }

        // JetStream drops old messages by its own clock, a little after they pass MaxAge; the
        // bus's clock decides, so that "older than the retention window" means the same on
        // every adapter and a message about to expire is not half-replayed.
        var next = await NextMessageAsync(last + 1, ct);
        return next is not null && next.Time < _time.GetUtcNow() - _options.Retention ? null : last;
    }

    /// <summary>The first message stored at or after <paramref name="from"/>, whatever its subject.</summary>
    private async Task<StoredMessage?> NextMessageAsync(ulong from, CancellationToken ct)
    {
        try
        {
            var stream = await _js.GetStreamAsync(_options.StreamName, cancellationToken: ct);
            return (await stream.GetAsync(new StreamMsgGetRequest { Seq = from, NextBySubj = ">" }, ct)).Message;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return null;
        }
    }

    private async IAsyncEnumerable<DeliveredEvent> Read(
        NatsLiveSubscriber subscriber, Task replay, CancellationTokenSource stop, CancellationTokenRegistration leave, [EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            await foreach (var delivered in subscriber.Reader.ReadAllAsync(ct))
            {
                yield return delivered;
            }
        }
        finally
        {
            await leave.DisposeAsync();
            Unregister(subscriber);
            await stop.CancelAsync();
            await replay;
            stop.Dispose();
        }
    }

    /// <summary>
    /// The user's events stored after the client's id and up to the stream's state when the
    /// stream opened, read from the stream (every user's messages, the others skipped), then
    /// the live events held back meanwhile. A replay waits for its reader, as the in-process bus
    /// hands a resuming client its whole backlog; should NATS fail it, the stream ends and the
    /// client resumes from what it got.
    /// </summary>
    private async Task ReplayAsync(NatsLiveSubscriber subscriber, ulong from, ulong to, CancellationToken ct)
    {
        try
        {
            await foreach (var msg in ReadStoredAsync(from, to, ct))
            {
                if (RecipientsOf(msg.Headers, msg.Subject).Contains(subscriber.UserId)
                    && Decode(msg.Headers, msg.Data, msg.Metadata!.Value.Sequence.Stream) is { } liveEvent)
                {
                    await subscriber.WriteAsync(new DeliveredEvent(IdOf(msg.Metadata.Value.Sequence.Stream), liveEvent), ct);
                }
            }

            if (!subscriber.GoLive(to))
            {
                LogSubscriberDropped(subscriber.UserId, _options.SubscriberBuffer);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The subscriber left.
        }
        catch (ChannelClosedException)
        {
            // Ended while replaying: what was held back for it overflowed.
            LogSubscriberDropped(subscriber.UserId, _options.SubscriberBuffer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogReplayFailed(e, subscriber.UserId, from);
            subscriber.End();
        }
    }

    /// <summary>
    /// The stream's messages from <paramref name="from"/> to <paramref name="to"/>, every
    /// subject, through a consumer of its own (no acks, in memory) removed after.
    /// </summary>
    private async IAsyncEnumerable<INatsJSMsg<byte[]>> ReadStoredAsync(ulong from, ulong to, [EnumeratorCancellation] CancellationToken ct)
    {
        var name = $"pc-{Guid.NewGuid():N}";
        var config = new ConsumerConfig(name)
        {
            DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
            OptStartSeq = from,
            AckPolicy = ConsumerConfigAckPolicy.None,
            MemStorage = true,
            NumReplicas = 1,
            InactiveThreshold = ConsumerInactiveThreshold,
        };
        var consumer = await _js.CreateOrUpdateConsumerAsync(_options.StreamName, config, ct);
        try
        {
            var opts = new NatsJSFetchOpts { MaxMsgs = 256 };
            var next = from;
            while (true)
            {
                var any = false;
                await foreach (var msg in consumer.FetchNoWaitAsync<byte[]>(opts, cancellationToken: ct))
                {
                    any = true;
                    if (msg.Metadata is not { } metadata)
                    {
                        continue;
                    }

                    var sequence = metadata.Sequence.Stream;
                    if (sequence > to)
                    {
                        yield break;
                    }

                    next = sequence + 1;
                    yield return msg;
                    if (sequence == to)
                    {
                        yield break;
                    }
                }

                if (!any)
                {
                    await EnsureGoneAsync(next, to, ct);
                    yield break;
                }
            }
        }
        finally
        {
            DeleteConsumerSoon(name);
        }
    }

    /// <summary>
    /// A read that found nothing more before <paramref name="to"/>: right only when the rest left the
    /// stream meanwhile. Messages leave it from the head only (age and size limits), so when its first
    /// sequence is still at or before <paramref name="next"/> they are there and this consumer did not
    /// see them (a consumer's view can fall short while the cluster moves the stream's leader). The
    /// caller must not take them as gone, which would skip them for good: it fails, and is retried.
    /// </summary>
    private async Task EnsureGoneAsync(ulong next, ulong to, CancellationToken ct)
    {
        if (next > to)
        {
            return;
        }

        var state = await StreamStateAsync(ct);
        if (state.FirstSeq <= next && state.LastSeq >= next)
        {
            throw new NatsJSException($"A read of the stream ended before sequence {next} (of {next}..{to}), which the stream still holds.");
        }
    }

    /// <summary>The event a stored message carries, or null (logged) for a type this node does not know.</summary>
    private LiveEvent? Decode(NatsHeaders? headers, byte[]? body, ulong sequence)
    {
        var type = headers?[NatsEventCodec.TypeHeader].ToString();
        var liveEvent = NatsEventCodec.Decode(type, body ?? []);
        if (liveEvent is null)
        {
            LogUnknownEvent(type, sequence);
        }

        return liveEvent;
    }

    /// <summary>
    /// Removes a consumer that is no longer read, without making the reader wait. Should it
    /// fail (NATS is down), the server removes it after <see cref="ConsumerInactiveThreshold"/>.
    /// </summary>
    private void DeleteConsumerSoon(string consumerName) => _ = Task.Run(async () =>
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _js.DeleteConsumerAsync(_options.StreamName, consumerName, timeout.Token);
        }
        catch (Exception e) when (e is NatsException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // Left to the inactivity threshold (NATS is down, or the node is stopping).
        }
    });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped event {Sequence} of unknown type {EventType}")]
    private partial void LogUnknownEvent(string? eventType, ulong sequence);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped the live stream of user {UserId}: more than {Buffer} events behind")]
    private partial void LogSubscriberDropped(Guid userId, int buffer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replaying the events of user {UserId} from sequence {Sequence} failed; the stream ends and the client resumes")]
    private partial void LogReplayFailed(Exception exception, Guid userId, ulong sequence);
}
