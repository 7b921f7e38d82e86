using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using PetitChat.Core.Events;

namespace PetitChat.Server.Events;

/// <summary>
/// The wire bytes of an event on a stream. A message to a group of ten is one event handed to ten
/// streams: its <c>event:</c> and <c>data:</c> lines are the same on each, so they are serialized
/// once per event and only the <c>id:</c> line, which is the recipient's own, is written per
/// stream (docs/decisions/0014). Only the last <see cref="Kept"/> events keep their bytes: a
/// group's streams write an event within moments of each other, while the bus may keep events
/// for a day for replay, and their bytes must not double what that costs; an event replayed
/// later is serialized again.
/// </summary>
public sealed class EventFrames(IOptions<JsonOptions> json)
{
    /// <summary>Events whose bytes are kept (the newest serialized ones).</summary>
    public const int Kept = 4_096;

    private readonly JsonSerializerOptions _json = json.Value.SerializerOptions;
    private readonly ConditionalWeakTable<LiveEvent, byte[]> _bodies = [];
    private readonly LiveEvent?[] _recent = new LiveEvent?[Kept];
    private readonly Lock _recentGate = new();
    private int _next;

    /// <summary>Serializations done (not reused), for tests and benchmarks.</summary>
    public long Serialized => Interlocked.Read(ref _serialized);

    private long _serialized;

    /// <summary>
    /// <c>id:</c> (unless ephemeral, so the browser's Last-Event-ID stays on the last durable one),
    /// <c>event:</c> and <c>data:</c> lines and the blank line that ends the event.
    /// </summary>
    public byte[] Format(DeliveredEvent delivered)
    {
        var body = _bodies.GetValue(delivered.Event, Serialize);
        if (delivered.Id is null)
        {
            return body;
        }

        var idLength = Encoding.UTF8.GetByteCount(delivered.Id);
        var frame = new byte[IdPrefix.Length + idLength + 1 + body.Length];
        IdPrefix.CopyTo(frame);
        Encoding.UTF8.GetBytes(delivered.Id, frame.AsSpan(IdPrefix.Length));
        frame[IdPrefix.Length + idLength] = (byte)'\n';
        body.CopyTo(frame.AsSpan(IdPrefix.Length + idLength + 1));
        return frame;
    }

    private byte[] Serialize(LiveEvent liveEvent)
    {
        Interlocked.Increment(ref _serialized);
        var (type, data) = EventPayloads.Of(liveEvent);
        var payload = JsonSerializer.SerializeToUtf8Bytes(data, data.GetType(), _json);
        var head = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"event: {type}\ndata: "));
        var body = new byte[head.Length + payload.Length + 2];
        head.CopyTo(body, 0);
        payload.CopyTo(body, head.Length);
        body[^2] = (byte)'\n';
        body[^1] = (byte)'\n';
        lock (_recentGate)
        {
            if (_recent[_next] is { } oldest)
            {
                _bodies.Remove(oldest);
            }

            _recent[_next] = liveEvent;
            _next = (_next + 1) % Kept;
        }

        return body;
    }

    private static ReadOnlySpan<byte> IdPrefix => "id: "u8;
}
