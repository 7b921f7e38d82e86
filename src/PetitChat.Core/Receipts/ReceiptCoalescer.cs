using System.Collections.Concurrent;
using PetitChat.Core.Events;

namespace PetitChat.Core.Receipts;

/// <summary>
/// Gathers a chat's pointer moves into at most one <see cref="ReceiptsMoved"/> per
/// <see cref="ReceiptOptions.CoalesceWindow"/>, so that a message read by every member of a group
/// of N costs N events per window (one per recipient), not N x N. The first move after a quiet
/// window goes out at once (a direct chat's read mark shows without delay); moves within the
/// window wait for its end, keeping the latest per member and state. Batches of a chat are
/// published in order. The store holds the pointers, so a batch lost with the process is
/// refetched by clients; on an orderly shutdown the pending batches are published first.
/// Per node: each node coalesces the moves it received.
/// </summary>
public sealed class ReceiptCoalescer(ChatFanout fanout, ReceiptOptions options, TimeProvider time) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, ChatWindow> _chats = new();
    private readonly ChatFanout _fanout = fanout;
    private readonly TimeSpan _window = options.CoalesceWindow;
    private readonly TimeProvider _time = time;

    /// <summary>Chats with a window open now (for tests and metrics).</summary>
    public int OpenWindows => _chats.Count;

    /// <summary>
    /// Publishes the moves now (completing when the bus has them, throwing when it failed) or
    /// queues them for the end of the chat's window (completing at once).
    /// </summary>
    public Task PublishAsync(Guid chatId, IReadOnlyList<ReceiptMoved> moves)
    {
        if (moves.Count == 0)
        {
            return Task.CompletedTask;
        }

        if (_window <= TimeSpan.Zero)
        {
            return _fanout.PublishAsync(new ReceiptsMoved(chatId, moves));
        }

        return Add(chatId, moves, deferOnly: false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, window) in _chats)
        {
            await window.FlushNowAsync();
        }
    }

    private Task Add(Guid chatId, IReadOnlyList<ReceiptMoved> moves, bool deferOnly)
    {
        while (true)
        {
            var window = _chats.GetOrAdd(chatId, static (id, self) => new ChatWindow(id, self), this);
            if (window.TryAdd(moves, deferOnly) is { } published)
            {
                return published;
            }

            // That window retired meanwhile; the next GetOrAdd makes a fresh one.
            _chats.TryRemove(new KeyValuePair<Guid, ChatWindow>(chatId, window));
        }
    }

    private sealed class ChatWindow(Guid chatId, ReceiptCoalescer owner)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<(Guid UserId, ReceiptState State), ReceiptMoved> _pending = [];
        private ITimer? _timer;
        private DateTimeOffset _openAt;
        private bool _retired;
        private Task _tail = Task.CompletedTask;

        private TimeSpan Window => owner._window;

        /// <summary>The publication, or null when this window has retired (the caller takes a fresh one).</summary>
        public Task? TryAdd(IReadOnlyList<ReceiptMoved> moves, bool deferOnly)
        {
            lock (_gate)
            {
                if (_retired)
                {
                    return null;
                }

                var now = owner._time.GetUtcNow();
                if (!deferOnly && _pending.Count == 0 && now >= _openAt)
                {
                    _openAt = now + Window;
                    Arm(Window);
                    return _tail = Chain(_tail, new ReceiptsMoved(chatId, moves), requeueOnFailure: false);
                }

                foreach (var move in moves)
                {
                    Merge(move);
                }

                if (_timer is null)
                {
                    Arm(_openAt > now ? _openAt - now : TimeSpan.Zero);
                }

                return Task.CompletedTask;
            }
        }

        public async Task FlushNowAsync()
        {
            lock (_gate)
            {
                _timer?.Dispose();
                _timer = null;
                _retired = true;
                if (_pending.Count > 0)
                {
                    _tail = Chain(_tail, TakePending(), requeueOnFailure: false);
                }
            }

            // Shutting down with the bus gone: the pointers are in the store; clients refetch them.
            await _tail.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        private void Merge(ReceiptMoved move)
        {
            var key = (move.UserId, move.State);
            if (!_pending.TryGetValue(key, out var kept) || kept.SignalId.CompareTo(move.SignalId) < 0)
            {
                _pending[key] = move;
            }
        }

        private void Arm(TimeSpan due)
        {
            _timer?.Dispose();
            _timer = owner._time.CreateTimer(static state => ((ChatWindow)state!).OnWindowEnd(), this, due, Timeout.InfiniteTimeSpan);
        }

        private void OnWindowEnd()
        {
            lock (_gate)
            {
                if (_retired)
                {
                    return;
                }

                _timer?.Dispose();
                _timer = null;
                if (_pending.Count == 0)
                {
                    // Quiet for a whole window: forget the chat, so only active chats hold memory.
                    _retired = true;
                    owner._chats.TryRemove(new KeyValuePair<Guid, ChatWindow>(chatId, this));
                    return;
                }

                _openAt = owner._time.GetUtcNow() + Window;
                Arm(Window);
                _tail = Chain(_tail, TakePending(), requeueOnFailure: true);
            }
        }

        private ReceiptsMoved TakePending()
        {
            var moves = new ReceiptMoved[_pending.Count];
            _pending.Values.CopyTo(moves, 0);
            Array.Sort(moves, static (a, b) => a.At.CompareTo(b.At));
            _pending.Clear();
            return new ReceiptsMoved(chatId, moves);
        }

        private async Task Chain(Task previous, ReceiptsMoved batch, bool requeueOnFailure)
        {
            // A failed earlier batch was reported to its own caller (or queued again); this one goes on.
            await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            try
            {
                await owner._fanout.PublishAsync(batch);
            }
            catch (Exception) when (requeueOnFailure)
            {
                // Nobody waits on a deferred batch: it goes back into the next window, merged
                // with newer moves, so the latest pointers still reach the members.
                _ = owner.Add(chatId, batch.Receipts, deferOnly: true);
            }
        }
    }
}
