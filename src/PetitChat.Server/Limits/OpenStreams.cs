using Microsoft.Extensions.Options;

namespace PetitChat.Server.Limits;

/// <summary>
/// The live streams each user holds open on this node, oldest first. Opening one more than
/// <see cref="RequestLimitOptions.MaxStreamsPerUser"/> closes the oldest (a tab long forgotten),
/// rather than refusing the new one, which is most likely the one the user is looking at.
/// </summary>
public sealed class OpenStreams(IOptions<RequestLimitOptions> options)
{
    private readonly Dictionary<Guid, LinkedList<CancellationTokenSource>> _streams = [];
    private readonly Lock _gate = new();

    /// <summary>
    /// Registers a stream, cancelling <paramref name="life"/> (the stream's own source) when it
    /// must close; dispose the registration when the stream ends, before the source. The stream's
    /// own source rather than one more here: an idle stream would hold both, and the linked one
    /// between them, for hours.
    /// </summary>
    public Registration Open(Guid userId, CancellationTokenSource life)
    {
        List<CancellationTokenSource> evicted = [];
        LinkedListNode<CancellationTokenSource> node;
        lock (_gate)
        {
            if (!_streams.TryGetValue(userId, out var list))
            {
                _streams[userId] = list = new LinkedList<CancellationTokenSource>();
            }

            node = list.AddLast(life);
            while (list.Count > options.Value.MaxStreamsPerUser)
            {
                evicted.Add(list.First!.Value);
                list.RemoveFirst();
            }
        }

        // Outside the lock: cancelling runs the closed streams' callbacks.
        foreach (var stream in evicted)
        {
            try
            {
                stream.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // That stream ended by itself meanwhile.
            }
        }

        return new Registration(this, userId, node);
    }

    /// <summary>Streams of the user open on this node now.</summary>
    public int CountOf(Guid userId)
    {
        lock (_gate)
        {
            return _streams.TryGetValue(userId, out var list) ? list.Count : 0;
        }
    }

    private void Close(Guid userId, LinkedListNode<CancellationTokenSource> node)
    {
        lock (_gate)
        {
            if (node.List is { } list)
            {
                list.Remove(node);
                if (list.Count == 0)
                {
                    _streams.Remove(userId);
                }
            }
        }
    }

    /// <summary>A struct: nothing more on the heap for the stream's life.</summary>
    public readonly struct Registration(OpenStreams owner, Guid userId, LinkedListNode<CancellationTokenSource> node) : IDisposable
    {
        public void Dispose() => owner.Close(userId, node);
    }
}
