using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace PetitChat.Server.Events;

/// <summary>
/// One timer for every open stream on this node, rather than a timer per stream (and a new one
/// per event): each tick writes <c>: heartbeat</c> to the streams that sent nothing for about the
/// heartbeat period, and ends the streams whose token expired. A tick is a fifth of the period,
/// so a stream stays quiet at most the period. See docs/decisions/0015-stream-memory.md.
/// </summary>
public sealed class StreamHeartbeats : IDisposable
{
    private static readonly byte[] Heartbeat = ": heartbeat\n\n"u8.ToArray();

    private readonly ConcurrentDictionary<EventStreamWriter, byte> _streams = new();
    private readonly TimeProvider _time;
    private readonly long _quietTicks;
    private readonly ITimer _timer;
    private readonly CancellationToken _stopping;
    private int _ticking;

    public StreamHeartbeats(IOptions<EventStreamOptions> options, TimeProvider time, IHostApplicationLifetime lifetime)
    {
        _time = time;
        var period = options.Value.Heartbeat;
        var tick = TimeSpan.FromTicks(Math.Max(period.Ticks / 5, TimeSpan.TicksPerMillisecond * 10));
        _quietTicks = (period - tick).Ticks;
        _timer = time.CreateTimer(static state => ((StreamHeartbeats)state!).Tick(), this, tick, tick);
        _stopping = lifetime.ApplicationStopping;
        _stopping.Register(static state => ((StreamHeartbeats)state!).EndAll(), this);
    }

    /// <summary>Streams this node holds open now.</summary>
    public int Count => _streams.Count;

    public void Add(EventStreamWriter stream)
    {
        _streams.TryAdd(stream, 0);
        if (_stopping.IsCancellationRequested)
        {
            stream.End();
        }
    }

    public void Remove(EventStreamWriter stream) => _streams.TryRemove(stream, out _);

    public void Dispose() => _timer.Dispose();

    private void EndAll()
    {
        foreach (var (stream, _) in _streams)
        {
            stream.End();
        }
    }

    private void Tick()
    {
        // A slow tick (a loaded machine) is not overlapped by the next one.
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _time.GetUtcNow();
            var quietSince = now.UtcTicks - _quietTicks;
            foreach (var (stream, _) in _streams)
            {
                if (stream.CloseAt is { } closeAt && closeAt <= now)
                {
                    stream.End();
                }
                else if (stream.LastWriteTicks <= quietSince)
                {
                    stream.TryWriteInBackground(Heartbeat, now);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }
}
