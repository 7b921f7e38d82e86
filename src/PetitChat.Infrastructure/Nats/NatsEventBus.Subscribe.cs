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
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConsumerHeartbeat = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ConsumerInactiveThreshold = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Reads the stream's state once, decides where to start (after the client's id, or after
    /// the stream's last message for "from now on" and after a reset), then reads the user's
    /// subject from that sequence on. Replay and live are one read of one ordered log, so they
    /// join without a gap or a duplicate, whichever node published.
    /// </summary>
    public async Task<IAsyncEnumerable<DeliveredEvent>> SubscribeAsync(Guid userId, string? lastEventId, CancellationToken ct)
    {
        var subject = _options.SubjectOf(userId);
        StreamState state;
        ulong? resumeAfter;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            state = await StreamStateAsync(timeout.Token);
            resumeAfter = string.IsNullOrEmpty(lastEventId) ? state.LastSeq : await ResumableAsync(subject, lastEventId, state, timeout.Token);
        }
        catch (Exception e) when (e is NatsException or TimeoutException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new EventBusUnavailableException($"NATS is unreachable, so the live stream cannot start: {e.Message}", e);
        }

        var channel = Channel.CreateBounded<DeliveredEvent>(new BoundedChannelOptions(_options.SubscriberBuffer)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // never used: the pump calls TryWrite and drops the subscriber when full
        });
        if (resumeAfter is null)
        {
            // From the stream's last sequence on: resuming from the reset's id gives what follows it.
            channel.Writer.TryWrite(new DeliveredEvent(IdOf(state.LastSeq), new StreamReset()));
        }

        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pump = PumpAsync(userId, subject, (resumeAfter ?? state.LastSeq) + 1, state.LastSeq, channel.Writer, stop.Token);
        var ephemeral = await SubscribeEphemeralAsync(userId, channel.Writer, stop.Token);
        return Read(channel.Reader, Task.WhenAll(pump, ephemeral), stop, ct);
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
    /// this stream, or events after it are gone (older than the retention window).
    /// </summary>
    private async Task<ulong?> ResumableAsync(string subject, string lastEventId, StreamState state, CancellationToken ct)
    {
        if (!ulong.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last > state.LastSeq
            || last + 1 < state.FirstSeq)
        {
            return null;
        }

        // JetStream drops old messages by its own clock, a little after they pass MaxAge; the
        // bus's clock decides, so that "older than the retention window" means the same on
        // every adapter and a message about to expire is not half-replayed.
        var next = await NextMessageAsync(subject, last + 1, ct);
        return next is not null && next.Time < _time.GetUtcNow() - _options.Retention ? null : last;
    }

    private async Task<StoredMessage?> NextMessageAsync(string subject, ulong from, CancellationToken ct)
    {
        try
        {
            var stream = await _js.GetStreamAsync(_options.StreamName, cancellationToken: ct);
            return (await stream.GetAsync(new StreamMsgGetRequest { Seq = from, NextBySubj = subject }, ct)).Message;
        }
        catch (NatsJSApiException e) when (e.Error.Code == 404)
        {
            return null;
        }
    }

    private static async IAsyncEnumerable<DeliveredEvent> Read(
        ChannelReader<DeliveredEvent> reader, Task pump, CancellationTokenSource stop, [EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            await foreach (var delivered in reader.ReadAllAsync(ct))
            {
                yield return delivered;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await pump;
            stop.Dispose();
        }
    }

    /// <summary>
    /// Moves the user's messages from NATS into the subscriber's buffer, through an ephemeral
    /// consumer filtered on the user's subject. After a reconnect (NATS restarted: its
    /// in-memory consumers are gone), a stall, or an error, a new consumer starts after the last
    /// sequence handed over, so an outage delays events but neither loses nor repeats them.
    /// Events up to <paramref name="replayUntil"/> are the backlog of a resuming client; after
    /// it, a subscriber whose buffer is full is dropped as too slow.
    /// </summary>
    private async Task PumpAsync(
        Guid userId, string subject, ulong startAt, ulong replayUntil, ChannelWriter<DeliveredEvent> writer, CancellationToken ct)
    {
        var next = startAt;
        var retry = FirstRetry;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var round = CancellationTokenSource.CreateLinkedTokenSource(ct, _connectionGeneration.Token);
                string? consumerName = null;
                try
                {
                    // filter_subject (one subject) rather than the 2.10-only filter_subjects that
                    // the client's ordered consumers send: a 2.9 server ignores those and would
                    // send every user's events to every node.
                    var config = new ConsumerConfig($"pc-{Guid.NewGuid():N}")
                    {
                        FilterSubject = subject,
                        DeliverPolicy = ConsumerConfigDeliverPolicy.ByStartSequence,
                        OptStartSeq = next,
                        AckPolicy = ConsumerConfigAckPolicy.None,
                        MemStorage = true,
                        NumReplicas = 1,
                        InactiveThreshold = ConsumerInactiveThreshold,
                    };
                    var consumer = await _js.CreateOrUpdateConsumerAsync(_options.StreamName, config, round.Token);
                    consumerName = config.Name;
                    var consumeOpts = new NatsJSConsumeOpts
                    {
                        MaxMsgs = 256,
                        IdleHeartbeat = ConsumerHeartbeat,
                        Expires = ConsumerHeartbeat * 6,
                        NotificationHandler = (notification, _) =>
                        {
                            if (notification is NatsJSTimeoutNotification)
                            {
                                // Heartbeats stopped: the consumer is gone or the link is dead.
                                round.Cancel();
                            }

                            return Task.CompletedTask;
                        },
                    };
                    await foreach (var msg in consumer.ConsumeAsync<byte[]>(opts: consumeOpts, cancellationToken: round.Token))
                    {
                        retry = FirstRetry;
                        if (msg.Metadata is not { } metadata || metadata.Sequence.Stream < next)
                        {
                            continue;
                        }

                        var sequence = metadata.Sequence.Stream;
                        next = sequence + 1;
                        var type = msg.Headers?[NatsEventCodec.TypeHeader].ToString();
                        if (_decoded.Decode(type, msg.Data ?? []) is not { } liveEvent)
                        {
                            LogUnknownEvent(type, sequence);
                            continue;
                        }

                        var delivered = new DeliveredEvent(IdOf(sequence), liveEvent);
                        if (sequence <= replayUntil)
                        {
                            // Replay waits for the reader (NATS holds the rest), as the in-process
                            // bus hands a resuming client its whole backlog.
                            await writer.WriteAsync(delivered, round.Token);
                        }
                        else if (!writer.TryWrite(delivered))
                        {
                            // Too slow to keep up: end its stream; the client resumes from its last id.
                            LogSubscriberDropped(userId, _options.SubscriberBuffer);
                            return;
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    return;
                }
                catch (OperationCanceledException)
                {
                    // Reconnected or stalled: start a new consumer at once.
                    LogConsumerRenewed(userId, next);
                }
                catch (Exception e)
                {
                    LogConsumerFailed(e, userId, next, retry);
                    await Task.Delay(retry, _time, ct);
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
                }
                finally
                {
                    if (consumerName is not null)
                    {
                        DeleteConsumerSoon(consumerName);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The subscriber left.
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>
    /// Subscribes this node to the user's ephemeral subject (core NATS) for as long as the stream
    /// is open, and hands what arrives to the stream without an id. Live when this returns, so a
    /// typing event published after the stream opened reaches it. A full buffer skips the event:
    /// ephemeral events are never worth dropping a stream for.
    /// </summary>
    private async Task<Task> SubscribeEphemeralAsync(Guid userId, ChannelWriter<DeliveredEvent> writer, CancellationToken ct)
    {
        INatsSub<byte[]> sub;
        try
        {
            sub = await _connection.SubscribeCoreAsync<byte[]>(_options.EphemeralSubjectOf(userId), cancellationToken: ct);
        }
        catch (Exception e) when (e is NatsException or TimeoutException)
        {
            throw new EventBusUnavailableException($"NATS is unreachable, so the live stream cannot start: {e.Message}", e);
        }

        return Task.Run(async () =>
        {
            await using (sub)
            {
                try
                {
                    await foreach (var msg in sub.Msgs.ReadAllAsync(ct))
                    {
                        var type = msg.Headers?[NatsEventCodec.TypeHeader].ToString();
                        if (NatsEventCodec.Decode(type, msg.Data) is { } liveEvent)
                        {
                            writer.TryWrite(new DeliveredEvent(null, liveEvent));
                        }
                    }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // The subscriber left.
                }
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Removes a consumer that is no longer read, without making the subscriber wait. Should it
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewing the consumer of user {UserId} from sequence {Sequence} after a reconnect or a stall")]
    private partial void LogConsumerRenewed(Guid userId, ulong sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the events of user {UserId} from sequence {Sequence} failed; retrying in {Retry}")]
    private partial void LogConsumerFailed(Exception exception, Guid userId, ulong sequence, TimeSpan retry);
}
