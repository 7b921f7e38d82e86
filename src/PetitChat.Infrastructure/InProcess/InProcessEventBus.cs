using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.InProcess;

/// <summary>
/// The embedded event bus: one in-memory log per user, kept for the retention window. Event ids
/// are "{process epoch}-{per-user sequence}": an id from before a restart (another epoch) or
/// older than the oldest kept event cannot be resumed from, and the subscriber gets a
/// <see cref="StreamReset"/> instead of a silent gap.
/// </summary>
public sealed class InProcessEventBus(IOptions<InProcessBusOptions> options, TimeProvider time) : IEventBus
{
    private readonly InProcessBusOptions _options = options.Value;
    private readonly string _epoch = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<Guid, UserLog> _logs = new();

    public Task PublishAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var userId in recipients)
        {
            _logs.GetOrAdd(userId, _ => new UserLog()).Append(liveEvent, now, _epoch, _options);
        }

        return Task.CompletedTask;
    }

    public Task PublishEphemeralAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        foreach (var userId in recipients)
        {
            if (_logs.TryGetValue(userId, out var log))
            {
                log.Offer(new DeliveredEvent(null, liveEvent));
            }
        }

        return Task.CompletedTask;
    }

    public Task<IAsyncEnumerable<DeliveredEvent>> SubscribeAsync(Guid userId, string? lastEventId, CancellationToken ct)
    {
        var channel = Channel.CreateBounded<DeliveredEvent>(new BoundedChannelOptions(_options.SubscriberBuffer)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // never used: writers call TryWrite and drop the subscriber when full
        });
        var log = _logs.GetOrAdd(userId, _ => new UserLog());
        var replay = log.Subscribe(channel, ParseSequence(lastEventId), _epoch, time.GetUtcNow() - _options.Retention);
        return Task.FromResult(Read(log, channel, replay, ct));
    }

    private static async IAsyncEnumerable<DeliveredEvent> Read(
        UserLog log, Channel<DeliveredEvent> channel, List<DeliveredEvent> replay, [EnumeratorCancellation] CancellationToken ct)
    {
        try
        {
            foreach (var missed in replay)
            {
                yield return missed;
            }

            await foreach (var live in channel.Reader.ReadAllAsync(ct))
            {
                yield return live;
            }
        }
        finally
        {
            log.Unsubscribe(channel);
        }
    }

    /// <summary>The sequence to resume after, -1 for "from now on", or null when it cannot be resumed.</summary>
    private long? ParseSequence(string? lastEventId)
    {
        if (string.IsNullOrEmpty(lastEventId))
        {
            return -1;
        }

        var dash = lastEventId.IndexOf('-', StringComparison.Ordinal);
        return dash > 0
            && lastEventId.AsSpan(0, dash).SequenceEqual(_epoch)
            && long.TryParse(lastEventId.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            ? sequence
            : null;
    }

    private sealed class UserLog
    {
        private readonly Lock _gate = new();
        private readonly Queue<(long Sequence, DateTimeOffset At, DeliveredEvent Event)> _events = new();
        private readonly List<Channel<DeliveredEvent>> _subscribers = [];
        private long _sequence;

        public void Append(LiveEvent liveEvent, DateTimeOffset now, string epoch, InProcessBusOptions options)
        {
            lock (_gate)
            {
                var sequence = ++_sequence;
                var delivered = new DeliveredEvent(Id(epoch, sequence), liveEvent);
                _events.Enqueue((sequence, now, delivered));
                while (_events.Count > options.MaxEventsPerUser
                       || (_events.TryPeek(out var oldest) && oldest.At < now - options.Retention))
                {
                    _events.Dequeue();
                }

                for (var i = _subscribers.Count - 1; i >= 0; i--)
                {
                    if (!_subscribers[i].Writer.TryWrite(delivered))
                    {
                        // Too slow to keep up: end its stream; the client resumes from its last id.
                        _subscribers[i].Writer.TryComplete();
                        _subscribers.RemoveAt(i);
                    }
                }
            }
        }

        /// <summary>Hands an ephemeral event to the live subscribers only: not kept, so never replayed.</summary>
        public void Offer(DeliveredEvent delivered)
        {
            lock (_gate)
            {
                for (var i = _subscribers.Count - 1; i >= 0; i--)
                {
                    if (!_subscribers[i].Writer.TryWrite(delivered))
                    {
                        _subscribers[i].Writer.TryComplete();
                        _subscribers.RemoveAt(i);
                    }
                }
            }
        }

        /// <summary>
        /// Registers the subscriber and returns what it missed, under one lock, so that no event
        /// falls between replay and live and none is in both.
        /// </summary>
        public List<DeliveredEvent> Subscribe(Channel<DeliveredEvent> channel, long? after, string epoch, DateTimeOffset horizon)
        {
            lock (_gate)
            {
                _subscribers.Add(channel);
                if (after == -1)
                {
                    return [];
                }

                var oldestKept = _events.TryPeek(out var oldest) && oldest.At >= horizon ? oldest.Sequence : _sequence + 1;
                if (after is not { } last || last > _sequence || last < oldestKept - 1)
                {
                    return [new DeliveredEvent(Id(epoch, _sequence), new StreamReset())];
                }

                var missed = new List<DeliveredEvent>();
                foreach (var (sequence, at, delivered) in _events)
                {
                    if (sequence > last && at >= horizon)
                    {
                        missed.Add(delivered);
                    }
                }

                return missed;
            }
        }

        public void Unsubscribe(Channel<DeliveredEvent> channel)
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }

        private static string Id(string epoch, long sequence) =>
            string.Create(CultureInfo.InvariantCulture, $"{epoch}-{sequence}");
    }
}
