using System.Threading.Channels;
using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// One open stream on this node: the events the node's live subscription hands it, in stream
/// order, into a bounded buffer that the stream reads. Until it goes live (its replay is done),
/// live events are held back; once live, events up to its start are skipped (the replay, or the
/// time before it opened, had them). A stream too slow to keep up is ended: its client resumes.
/// </summary>
internal sealed class NatsLiveSubscriber(Guid userId, int buffer)
{
    private readonly Channel<DeliveredEvent> _channel = Channel.CreateBounded<DeliveredEvent>(new BoundedChannelOptions(buffer)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait, // writers that must not wait call TryWrite and end the stream when full
    });

    private readonly Lock _gate = new();
    private List<(ulong Sequence, DeliveredEvent Event)>? _held = [];
    private ulong _liveAfter;

    public Guid UserId { get; } = userId;

    public ChannelReader<DeliveredEvent> Reader => _channel.Reader;

    /// <summary>The first event of a stream that starts with a reset (written before anything else).</summary>
    public void Start(DeliveredEvent first) => _channel.Writer.TryWrite(first);

    /// <summary>A replayed event: waits for room, as a resuming client gets its whole backlog.</summary>
    public ValueTask WriteAsync(DeliveredEvent delivered, CancellationToken ct) => _channel.Writer.WriteAsync(delivered, ct);

    /// <summary>
    /// A live event, from the node's one reader of the stream. False when this ended the stream
    /// (its buffer, or what was held back during its replay, is full).
    /// </summary>
    public bool Live(ulong sequence, DeliveredEvent delivered)
    {
        lock (_gate)
        {
            if (_held is not null)
            {
                if (_held.Count < buffer)
                {
                    _held.Add((sequence, delivered));
                    return true;
                }

                return !End();
            }

            return sequence <= _liveAfter || _channel.Writer.TryWrite(delivered) || !End();
        }
    }

    /// <summary>
    /// The stream has every event up to <paramref name="after"/>: hands over the live events held
    /// back that follow it, and from now on each live event as it comes. False when that ended the stream.
    /// </summary>
    public bool GoLive(ulong after)
    {
        lock (_gate)
        {
            var held = _held ?? [];
            _held = null;
            _liveAfter = after;
            foreach (var (sequence, delivered) in held)
            {
                if (sequence > after && !_channel.Writer.TryWrite(delivered))
                {
                    End();
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>An ephemeral event: skipped when the buffer is full, never worth ending a stream for.</summary>
    public void Ephemeral(DeliveredEvent delivered) => _channel.Writer.TryWrite(delivered);

    /// <summary>Ends the stream after what it holds; its client resumes from its last id. True when this call ended it.</summary>
    public bool End() => _channel.Writer.TryComplete();
}
