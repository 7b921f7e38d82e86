using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.InProcess;

/// <summary>
/// The embedded event bus: one in-memory log per user, kept for the retention window. Event ids
/// are "{process epoch}-{sequence}": an id from before a restart (another epoch) or older than
/// the oldest kept event cannot be resumed from, and the subscriber gets a
/// <see cref="StreamReset"/> instead of a silent gap.
/// Memory is bounded for the whole process, not only per user: at most
/// <see cref="InProcessBusOptions.MaxEventsTotal"/> events are kept (the oldest, across users, go
/// first), and a user with no kept event and no open stream is forgotten. Sequences are drawn from
/// one counter for the process, so a forgotten user's next log never reuses an id.
/// </summary>
public sealed partial class InProcessEventBus(IOptions<InProcessBusOptions> options, TimeProvider time) : IEventBus
{
    private readonly InProcessBusOptions _options = options.Value;
    private readonly string _epoch = Guid.NewGuid().ToString("N")[..8];
    private readonly ConcurrentDictionary<Guid, UserLog> _logs = new();

    // Every appended event in publish order, across users; the global budget drops from its head.
    private readonly ConcurrentQueue<(UserLog Log, long Sequence, DateTimeOffset At)> _order = new();
    private readonly Lock _trimGate = new();
    private long _sequence;
    private long _lastSweepTicks;

    /// <summary>Users this bus holds a log for (for tests and metrics).</summary>
    public int TrackedUsers => _logs.Count;

    /// <summary>Events held for replay, across users, at most <see cref="InProcessBusOptions.MaxEventsTotal"/>.</summary>
    public int KeptEvents
    {
        get
        {
            var kept = 0;
            foreach (var (_, log) in _logs)
            {
                kept += log.Count;
            }

            return kept;
        }
    }

    public Task PublishAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        if (liveEvent is SignalCreated { Repeat: true })
        {
            // This process published the first one: it cannot have died between write and publish.
            return Task.CompletedTask;
        }

        var now = time.GetUtcNow();
        foreach (var userId in recipients)
        {
            while (true)
            {
                var log = LogOf(userId);
                if (log.TryAppend(liveEvent, now, _epoch, _options, ref _sequence) is { } sequence)
                {
                    _order.Enqueue((log, sequence, now));
                    break;
                }

                _logs.TryRemove(new KeyValuePair<Guid, UserLog>(userId, log));
            }
        }

        Trim(now);
        SweepIdleUsers(now);
        return Task.CompletedTask;
    }

    /// <summary>Handed to the recipients' open streams only: no id, not in the log, so never replayed.</summary>
    public Task PublishEphemeralAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct)
    {
        var delivered = new DeliveredEvent(null, liveEvent);
        foreach (var userId in recipients)
        {
            if (_logs.TryGetValue(userId, out var log))
            {
                log.Offer(delivered);
            }
        }

        return Task.CompletedTask;
    }

    public Task<IAsyncEnumerable<DeliveredEvent>> SubscribeAsync(Guid userId, string? lastEventId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        SweepIdleUsers(now);
        while (true)
        {
            var log = LogOf(userId);
            var subscription = new Subscription(log, _options.SubscriberBuffer, ct);
            if (log.Subscribe(subscription, ParseSequence(lastEventId), _epoch, now - _options.Retention))
            {
                subscription.Listen();
                return Task.FromResult<IAsyncEnumerable<DeliveredEvent>>(subscription);
            }

            _logs.TryRemove(new KeyValuePair<Guid, UserLog>(userId, log));
        }
    }

    private UserLog LogOf(Guid userId) => _logs.GetOrAdd(userId, static (_, bus) => new UserLog(Interlocked.Read(ref bus._sequence)), this);

    /// <summary>Drops the oldest events, across users, past the global budget or the retention window.</summary>
    private void Trim(DateTimeOffset now)
    {
        var horizon = now - _options.Retention;
        lock (_trimGate)
        {
            while (_order.TryPeek(out var head) && (_order.Count > _options.MaxEventsTotal || head.At < horizon))
            {
                _order.TryDequeue(out head);
                head.Log.DropThrough(head.Sequence);
            }
        }
    }

    /// <summary>Forgets users with nothing kept and no stream open, once per sweep interval.</summary>
    private void SweepIdleUsers(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < _options.IdleSweepInterval.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        var horizon = now - _options.Retention;
        foreach (var (userId, log) in _logs)
        {
            if (log.TryRetire(horizon))
            {
                _logs.TryRemove(new KeyValuePair<Guid, UserLog>(userId, log));
            }
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

    /// <param name="createdAfter">The process's last sequence when the log was made: no id up to it can be resumed here.</param>
    private sealed class UserLog(long createdAfter)
    {
        private readonly Lock _gate = new();
        // The event itself, not a DeliveredEvent and its id: kept for the retention window, these
        // entries outlive the collector's young generations, and two objects a recipient more
        // cost every collection that copies them (docs/decisions/0014, 2026-12-03 (4)). The id
        // is made from the sequence when the event is handed to a stream.
        private readonly Queue<(long Sequence, DateTimeOffset At, LiveEvent Event)> _events = new();
        private readonly List<Subscription> _subscribers = [];
        private long _last = createdAfter;
        private long _droppedThrough = createdAfter;
        private bool _retired;

        /// <summary>Also the lock of the log's subscriptions: events are handed to them under it.</summary>
        public Lock Gate => _gate;

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _events.Count;
                }
            }
        }

        /// <summary>The event's sequence, or null when this log was retired (the caller takes a fresh one).</summary>
        public long? TryAppend(LiveEvent liveEvent, DateTimeOffset now, string epoch, InProcessBusOptions options, ref long processSequence)
        {
            lock (_gate)
            {
                if (_retired)
                {
                    return null;
                }

                var sequence = _last = Interlocked.Increment(ref processSequence);
                _events.Enqueue((sequence, now, liveEvent));
                while (_events.Count > options.MaxEventsPerUser
                       || (_events.TryPeek(out var oldest) && oldest.At < now - options.Retention))
                {
                    _droppedThrough = _events.Dequeue().Sequence;
                }

                if (_subscribers.Count == 0)
                {
                    return sequence;
                }

                var delivered = new DeliveredEvent(Id(epoch, sequence), liveEvent);
                for (var i = _subscribers.Count - 1; i >= 0; i--)
                {
                    if (!_subscribers[i].TryWrite(delivered))
                    {
                        // Too slow to keep up: end its stream; the client resumes from its last id.
                        _subscribers[i].Complete();
                        _subscribers.RemoveAt(i);
                    }
                }

                return sequence;
            }
        }

        public void DropThrough(long sequence)
        {
            lock (_gate)
            {
                while (_events.TryPeek(out var oldest) && oldest.Sequence <= sequence)
                {
                    _droppedThrough = _events.Dequeue().Sequence;
                }
            }
        }

        /// <summary>An ephemeral event: to each open stream that has room, never dropping one for it.</summary>
        public void Offer(DeliveredEvent delivered)
        {
            lock (_gate)
            {
                foreach (var subscriber in _subscribers)
                {
                    subscriber.TryWrite(delivered);
                }
            }
        }

        /// <summary>
        /// Registers the subscriber and gives it what it missed, under one lock, so that no event
        /// falls between replay and live and none is in both; false when this log was retired.
        /// </summary>
        public bool Subscribe(Subscription subscription, long? after, string epoch, DateTimeOffset horizon)
        {
            lock (_gate)
            {
                if (_retired)
                {
                    return false;
                }

                _subscribers.Add(subscription);
                if (after == -1)
                {
                    return true;
                }

                DropOlderThan(horizon);
                if (after is not { } last || last > _last || last < _droppedThrough)
                {
                    subscription.Replay([new DeliveredEvent(Id(epoch, _last), new StreamReset())]);
                    return true;
                }

                var missed = new List<DeliveredEvent>();
                foreach (var (sequence, _, liveEvent) in _events)
                {
                    if (sequence > last)
                    {
                        missed.Add(new DeliveredEvent(Id(epoch, sequence), liveEvent));
                    }
                }

                subscription.Replay(missed);
                return true;
            }
        }

        public void Unsubscribe(Subscription subscription)
        {
            lock (_gate)
            {
                _subscribers.Remove(subscription);
            }
        }

        /// <summary>Retires the log when nothing in it can be replayed and nobody listens.</summary>
        public bool TryRetire(DateTimeOffset horizon)
        {
            lock (_gate)
            {
                DropOlderThan(horizon);
                _retired = _events.Count == 0 && _subscribers.Count == 0;
                return _retired;
            }
        }

        private void DropOlderThan(DateTimeOffset horizon)
        {
            while (_events.TryPeek(out var oldest) && oldest.At < horizon)
            {
                _droppedThrough = _events.Dequeue().Sequence;
            }
        }

        private static string Id(string epoch, long sequence) =>
            string.Create(CultureInfo.InvariantCulture, $"{epoch}-{sequence}");
    }
}
