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

    /// <summary>Registers a stream; its token fires when the stream must close. Dispose when it ends.</summary>
    public Registration Open(Guid userId)
    {
        var closing = new CancellationTokenSource();
        List<CancellationTokenSource> evicted = [];
        LinkedListNode<CancellationTokenSource> node;
        lock (_gate)
        {
            if (!_streams.TryGetValue(userId, out var list))
            {
                _streams[userId] = list = new LinkedList<CancellationTokenSource>();
            }

            node = list.AddLast(closing);
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

        node.Value.Dispose();
    }

    public sealed class Registration(OpenStreams owner, Guid userId, LinkedListNode<CancellationTokenSource> node) : IDisposable
    {
        public CancellationToken Closing { get; } = node.Value.Token;

        public void Dispose() => owner.Close(userId, node);
    }
}
