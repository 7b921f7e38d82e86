using System.Threading.Tasks.Sources;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.InProcess;

public sealed partial class InProcessEventBus
{
    /// <summary>
    /// One open stream's subscription: what it missed, then live events handed over one by one.
    /// It is its own enumerable, enumerator and awaited source, and it locks on its user's log (the
    /// writers hold that lock already), so an idle stream holds this one small object and one
    /// cancellation registration. A bounded channel held about 800 bytes a stream (its reader,
    /// writer and six pre-made awaiting operations), and the async iterator that read it 300 more.
    /// See docs/decisions/0015-stream-memory-and-receipt-batches.md.
    /// </summary>
    private sealed class Subscription : IAsyncEnumerable<DeliveredEvent>, IAsyncEnumerator<DeliveredEvent>, IValueTaskSource<bool>
    {
        private readonly UserLog _log;
        private readonly int _capacity;
        private readonly CancellationToken _ct;
        private ManualResetValueTaskSourceCore<bool> _waiter = new() { RunContinuationsAsynchronously = true };
        private CancellationTokenRegistration _cancellation;
        private List<DeliveredEvent>? _replay;
        private int _replayed;

        // Made when events arrive faster than the stream writes them, dropped once it caught up.
        private Queue<DeliveredEvent>? _pending;
        private DeliveredEvent? _current;
        private bool _waiting;
        private bool _completed;

        public Subscription(UserLog log, int capacity, CancellationToken ct)
        {
            _log = log;
            _capacity = capacity;
            _ct = ct;
        }

        public DeliveredEvent Current => _current ?? throw new InvalidOperationException("MoveNextAsync first.");

        /// <summary>What the stream missed, given under the log's lock when it subscribed.</summary>
        public void Replay(List<DeliveredEvent> missed) => _replay = missed.Count > 0 ? missed : null;

        /// <summary>Called once subscribed, outside the log's lock (an already cancelled token runs the callback here).</summary>
        public void Listen() =>
            _cancellation = _ct.UnsafeRegister(static state => ((Subscription)state!).Cancel(), this);

        /// <summary>
        /// Under the log's lock: hands the event to the waiting reader, or queues it; false when
        /// the stream is <paramref name="capacity"/> events behind (too slow: the caller ends it).
        /// </summary>
        public bool TryWrite(DeliveredEvent delivered)
        {
            if (_completed)
            {
                return true;
            }

            if (_waiting)
            {
                _waiting = false;
                _current = delivered;
                _waiter.SetResult(true);
                return true;
            }

            _pending ??= new Queue<DeliveredEvent>();
            if (_pending.Count >= _capacity)
            {
                return false;
            }

            _pending.Enqueue(delivered);
            return true;
        }

        /// <summary>Under the log's lock: the stream ends after the events already queued (the client resumes).</summary>
        public void Complete()
        {
            _completed = true;
            if (_waiting)
            {
                _waiting = false;
                _waiter.SetResult(false);
            }
        }

        public IAsyncEnumerator<DeliveredEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) => this;

        public ValueTask<bool> MoveNextAsync()
        {
            lock (_log.Gate)
            {
                _ct.ThrowIfCancellationRequested();
                if (_replay is { } replay)
                {
                    _current = replay[_replayed++];
                    if (_replayed == replay.Count)
                    {
                        _replay = null;
                    }

                    return new ValueTask<bool>(true);
                }

                if (_pending is { } pending && pending.TryDequeue(out var next))
                {
                    _current = next;
                    if (pending.Count == 0)
                    {
                        // An idle stream keeps no buffer from its last burst.
                        _pending = null;
                    }

                    return new ValueTask<bool>(true);
                }

                if (_completed)
                {
                    return new ValueTask<bool>(false);
                }

                _waiter.Reset();
                _waiting = true;
                return new ValueTask<bool>(this, _waiter.Version);
            }
        }

        public ValueTask DisposeAsync()
        {
            _cancellation.Dispose();
            _log.Unsubscribe(this);
            return ValueTask.CompletedTask;
        }

        bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

        ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

        void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _waiter.OnCompleted(continuation, state, token, flags);

        private void Cancel()
        {
            lock (_log.Gate)
            {
                if (_waiting)
                {
                    _waiting = false;
                    _waiter.SetException(new OperationCanceledException(_ct));
                }
            }
        }
    }
}
