using PetitChat.Core.Events;

namespace PetitChat.Infrastructure.Nats;

/// <summary>
/// The last few events this node decoded, so that the copies of one event that its recipients'
/// consumers read here (one JetStream message per recipient, decision 0009) are decoded once and
/// share one event object, as the in-process bus shares it. A copy matches by its type and its
/// exact body bytes, never by an id, so a hit is the same event by construction. The ring is
/// small on purpose (decision 0016, 2026-12-01): the copies of one event arrive together, and a
/// long ring would keep decoded events alive past young collections.
/// </summary>
internal sealed class NatsDecodedEvents
{
    private const int Slots = 32;

    private readonly Entry?[] _ring = new Entry?[Slots];
    private int _next;

    /// <summary>The event of this type and body: decoded now, or shared with an earlier copy. Null for a type this node does not know.</summary>
    public LiveEvent? Decode(string? type, byte[] body)
    {
        if (type is null)
        {
            return null;
        }

        var entry = Find(type, body);
        if (entry is null)
        {
            // The copies of one event reach their consumers' pumps at the same moment: the first
            // one in places the entry, and the others wait on its one decode instead of racing it.
            lock (_ring)
            {
                entry = Find(type, body);
                if (entry is null)
                {
                    entry = new Entry(type, body);
                    _ring[_next] = entry;
                    _next = (_next + 1) % Slots;
                }
            }
        }

        return entry.Event.Value;
    }

    private Entry? Find(string type, byte[] body)
    {
        foreach (var entry in _ring)
        {
            if (entry is not null && entry.Body.Length == body.Length && entry.Type == type && entry.Body.AsSpan().SequenceEqual(body))
            {
                return entry;
            }
        }

        return null;
    }

    private sealed class Entry(string type, byte[] body)
    {
        public string Type { get; } = type;

        public byte[] Body { get; } = body;

        public Lazy<LiveEvent?> Event { get; } = new(() => NatsEventCodec.Decode(type, body), LazyThreadSafetyMode.ExecutionAndPublication);
    }
}
