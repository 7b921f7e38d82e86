using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

public sealed partial class NatsEventBus
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(5);

    /// <summary>How often an idle node asks the stream whether a message went past its live subscription.</summary>
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(1);

    /// <summary>The streams open on this node, by user.</summary>
    private readonly ConcurrentDictionary<Guid, NatsLiveSubscriber[]> _subscribers = new();
    private readonly Lock _liveGate = new();
    private readonly TaskCompletionSource _liveReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _liveLoop;

    /// <summary>The last stream sequence this node handed to its streams; read and written by the live loop only.</summary>
    private ulong _handed;

    /// <summary>Users with a stream open on this node (registered with its live subscription).</summary>
    internal int UsersListening => _subscribers.Count;

    /// <summary>Messages this node read from the stream because their live copy did not reach it.</summary>
    internal long CaughtUp => Interlocked.Read(ref _caughtUp);

    private long _caughtUp;

    /// <summary>
    /// What the live subscriptions may hold unread. Core NATS drops what does not fit (and the
    /// server cuts a reader that falls far behind): either shows as a gap in the sequences, which
    /// the node then reads from the stream.
    /// </summary>
    private NatsSubOpts LiveSubscription => new()
    {
        ChannelOpts = new NatsSubChannelOpts { Capacity = _options.LiveBuffer, FullMode = BoundedChannelFullMode.DropNewest },
    };

    private void Register(NatsLiveSubscriber subscriber) =>
        _subscribers.AddOrUpdate(subscriber.UserId, static (_, s) => [s], static (_, open, s) => [.. open, s], subscriber);

    private void Unregister(NatsLiveSubscriber subscriber)
    {
        while (_subscribers.TryGetValue(subscriber.UserId, out var open))
        {
            var rest = Array.FindAll(open, s => s != subscriber);
            if (rest.Length == open.Length)
            {
                return;
            }

            var done = rest.Length == 0
                ? _subscribers.TryRemove(new KeyValuePair<Guid, NatsLiveSubscriber[]>(subscriber.UserId, open))
                : _subscribers.TryUpdate(subscriber.UserId, rest, open);
            if (done)
            {
                return;
            }
        }
    }

    /// <summary>Starts the node's live subscription at the first stream opened, and waits until it listens.</summary>
    private Task LiveReadyAsync(CancellationToken ct)
    {
        lock (_liveGate)
        {
            _liveLoop ??= Task.Run(() => RunLiveAsync(_life.Token), CancellationToken.None);
        }

        return _liveReady.Task.WaitAsync(ct);
    }

    /// <summary>
    /// The node's one reader of the stream: a core subscription to the copies JetStream
    /// republishes as it stores each message, in stream order. Each event goes to the streams of
    /// its recipients open here. A sequence that skips ahead (a copy lost: a reconnect, a full
    /// buffer) is filled from the stream first, so no stream misses an event. After a reconnect
    /// the subscription is renewed and whatever was stored meanwhile is read from the stream.
    /// </summary>
    private async Task RunLiveAsync(CancellationToken life)
    {
        var retry = FirstRetry;
        var started = false;
        while (!life.IsCancellationRequested)
        {
            using var round = CancellationTokenSource.CreateLinkedTokenSource(life, _connectionGeneration.Token);
            try
            {
                await using var events = await _connection.SubscribeCoreAsync<byte[]>(_options.LiveSubjects, opts: LiveSubscription, cancellationToken: round.Token);
                await using var ephemeral = await _connection.SubscribeCoreAsync<byte[]>(_options.EphemeralSubject, opts: LiveSubscription, cancellationToken: round.Token);
                var state = await StreamStateAsync(round.Token);
                if (!started)
                {
                    _handed = state.LastSeq;
                    started = true;
                }
                else
                {
                    await CatchUpAsync(state.LastSeq, round.Token);
                }

                _liveReady.TrySetResult();
                retry = FirstRetry;
                var ephemeralPump = PumpEphemeralAsync(ephemeral.Msgs, round.Token);
                try
                {
                    await PumpLiveAsync(events.Msgs, round.Token);
                }
                finally
                {
                    await round.CancelAsync();
                    await ephemeralPump;
                }
            }
            catch (OperationCanceledException) when (life.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException)
            {
                // Reconnected: subscribe again, then read what was stored meanwhile.
                LogLiveRenewed(_handed);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogLiveFailed(e, _handed, retry);
                try
                {
                    await Task.Delay(retry, _time, life);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, LastRetry.Ticks));
            }
        }
    }

    private async Task PumpLiveAsync(ChannelReader<NatsMsg<byte[]>> reader, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(IdleCheck, _time);
        Task<bool>? message = null;
        Task<bool>? tick = null;
        var heard = false;
        while (true)
        {
            while (reader.TryRead(out var msg))
            {
                heard = true;
                await OnLiveAsync(msg, ct);
            }

            message ??= reader.WaitToReadAsync(ct).AsTask();
            tick ??= timer.WaitForNextTickAsync(ct).AsTask();
            if (await Task.WhenAny(message, tick) == tick)
            {
                await tick;
                tick = null;
                if (!heard)
                {
                    // Quiet for a second: a copy lost last would show in no later sequence.
                    await CatchUpAsync((await StreamStateAsync(ct)).LastSeq, ct);
                }

                heard = false;
                continue;
            }

            if (!await message)
            {
                throw new NatsException("The live subscription ended.");
            }

            message = null;
        }
    }

    private async Task OnLiveAsync(NatsMsg<byte[]> msg, CancellationToken ct)
    {
        if (msg.Headers is not { } headers
            || !headers.TryGetValue(SequenceHeader, out var value)
            || !ulong.TryParse(value.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return;
        }

        if (sequence <= _handed)
        {
            return;
        }

        if (sequence > _handed + 1)
        {
            await CatchUpAsync(sequence - 1, ct);
        }

        Hand(sequence, headers, headers[SubjectHeader].ToString(), msg.Data);
        _handed = sequence;
    }

    /// <summary>
    /// Hands over, from the stream, what was stored after the last sequence handed and up to
    /// <paramref name="to"/>. A node further behind than <see cref="NatsBusOptions.MaxReplay"/> ends its
    /// streams instead: each client resumes, and replays or reloads.
    /// </summary>
    private async Task CatchUpAsync(ulong to, CancellationToken ct)
    {
        if (to <= _handed)
        {
            return;
        }

        LogCatchingUp(_handed + 1, to);
        if (to - _handed > (ulong)_options.MaxReplay)
        {
            foreach (var subscriber in _subscribers.Values.SelectMany(open => open))
            {
                subscriber.End();
            }

            _handed = to;
            return;
        }

        await foreach (var msg in ReadStoredAsync(_handed + 1, to, ct))
        {
            var sequence = msg.Metadata!.Value.Sequence.Stream;
            if (sequence > _handed)
            {
                Hand(sequence, msg.Headers, msg.Subject, msg.Data);
                _handed = sequence;
                Interlocked.Increment(ref _caughtUp);
            }
        }

        // Anything not read is gone from the stream (expired): nobody can have it.
        _handed = to;
    }

    /// <summary>Gives one stored event to the streams of its recipients open on this node, decoded once for all.</summary>
    private void Hand(ulong sequence, NatsHeaders? headers, string? subject, byte[]? body)
    {
        DeliveredEvent? delivered = null;
        foreach (var userId in RecipientsOf(headers, subject))
        {
            if (!_subscribers.TryGetValue(userId, out var open))
            {
                continue;
            }

            if (delivered is null)
            {
                if (Decode(headers, body, sequence) is not { } liveEvent)
                {
                    return;
                }

                delivered = new DeliveredEvent(IdOf(sequence), liveEvent);
            }

            foreach (var subscriber in open)
            {
                if (!subscriber.Live(sequence, delivered))
                {
                    LogSubscriberDropped(userId, _options.SubscriberBuffer);
                }
            }
        }
    }

    /// <summary>Ephemeral events (typing) to the streams of their recipients open here; no id, no replay.</summary>
    private async Task PumpEphemeralAsync(ChannelReader<NatsMsg<byte[]>> reader, CancellationToken ct)
    {
        try
        {
            await foreach (var msg in reader.ReadAllAsync(ct))
            {
                DeliveredEvent? delivered = null;
                foreach (var userId in RecipientsOf(msg.Headers, subject: null))
                {
                    if (!_subscribers.TryGetValue(userId, out var open))
                    {
                        continue;
                    }

                    if (delivered is null)
                    {
                        if (NatsEventCodec.Decode(msg.Headers?[NatsEventCodec.TypeHeader].ToString(), msg.Data) is not { } liveEvent)
                        {
                            break;
                        }

                        delivered = new DeliveredEvent(null, liveEvent);
                    }

                    foreach (var subscriber in open)
                    {
                        subscriber.Ephemeral(delivered);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The live subscription is being renewed, or the node is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewing the live subscription after a reconnect; {Sequence} was the last sequence handed over")]
    private partial void LogLiveRenewed(ulong sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live subscription failed after sequence {Sequence}; retrying in {Retry}")]
    private partial void LogLiveFailed(Exception exception, ulong sequence, TimeSpan retry);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading sequences {From} to {To} from the stream: the live subscription missed them")]
    private partial void LogCatchingUp(ulong from, ulong to);
}
