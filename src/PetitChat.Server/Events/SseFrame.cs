using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using PetitChat.Core.Events;

namespace PetitChat.Server.Events;

/// <summary>
/// One event's <c>id:</c>/<c>event:</c>/<c>data:</c> lines, serialized as UTF-8 straight into a
/// buffer of this thread and copied into an array rented from the shared pool, which
/// <see cref="Dispose"/> gives back once the stream has written it. Every delivery used to make
/// the JSON as a string, a second string for the lines around it and a byte array of the whole:
/// about three copies of each event per stream, the largest share of what a node allocated per
/// delivery (decision 0016, 2026-12-01), and what its garbage collections then paused for.
/// </summary>
public readonly struct SseFrame : IDisposable
{
    /// <summary>A buffer that grew past this for one large event is let go rather than kept by its thread.</summary>
    private const int KeptBufferBytes = 64 * 1024;

    /// <summary>Events seen lately, by identity: a power of two, so that a slot is a mask of the hash away.</summary>
    private const int SharedSlots = 256;

    /// <summary>The JSON of an event kept for the streams that have not written it yet; see <see cref="SharedJson"/>.</summary>
    private static readonly Shared?[] s_shared = new Shared?[SharedSlots];

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    /// <summary>The encoder <see cref="t_json"/> was made with: options with another one get a writer of their own.</summary>
    [ThreadStatic]
    private static System.Text.Encodings.Web.JavaScriptEncoder? t_encoder;

    private readonly byte[] _array;
    private readonly int _length;

    private SseFrame(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>The frame's bytes; valid until <see cref="Dispose"/>.</summary>
    public ReadOnlyMemory<byte> Bytes => _array.AsMemory(0, _length);

    /// <summary>
    /// The lines of <paramref name="delivered"/>. An ephemeral event (no id) gets no <c>id:</c> line,
    /// so the browser's Last-Event-ID stays on the last durable one.
    /// </summary>
    public static SseFrame Of(DeliveredEvent delivered, JsonSerializerOptions options)
    {
        var liveEvent = delivered.Event;
        var slot = RuntimeHelpers.GetHashCode(liveEvent) & (SharedSlots - 1);
        var seen = Volatile.Read(ref s_shared[slot]);
        if (seen is null || !ReferenceEquals(seen.Event, liveEvent) || !ReferenceEquals(seen.Options, options))
        {
            seen = null;
        }

        var (type, data) = seen is null ? EventPayloads.Of(liveEvent) : (seen.Type, null);
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        try
        {
            if (delivered.Id is { } id)
            {
                buffer.Write("id: "u8);
                Encoding.UTF8.GetBytes(id, buffer);
                buffer.Write("\n"u8);
            }

            buffer.Write("event: "u8);
            Encoding.UTF8.GetBytes(type, buffer);
            buffer.Write("\ndata: "u8);
            if (seen?.Json is { } shared)
            {
                buffer.Write(shared);
            }
            else
            {
                var start = buffer.WrittenCount;
                Serialize(buffer, data ?? EventPayloads.Of(liveEvent).Data, options);
                // The first stream to write an event only marks it; the second keeps its JSON for the
                // rest. An event that reaches one stream (a direct message to a user with one device) costs
                // the mark, never a copy of its bytes.
                Volatile.Write(ref s_shared[slot], seen is null
                    ? new Shared(liveEvent, options, type, null)
                    : new Shared(liveEvent, options, type, buffer.WrittenSpan[start..].ToArray()));
            }

            buffer.Write("\n\n"u8);

            var array = ArrayPool<byte>.Shared.Rent(buffer.WrittenCount);
            buffer.WrittenSpan.CopyTo(array);
            return new SseFrame(array, buffer.WrittenCount);
        }
        finally
        {
            t_json?.Reset(Stream.Null);
            if (buffer.Capacity > KeptBufferBytes)
            {
                t_buffer = null;
            }
        }
    }

    private static void Serialize(ArrayBufferWriter<byte> buffer, object data, JsonSerializerOptions options)
    {
        // Skipping validation is safe: the serializer writes one whole value, as it did to a string.
        var json = t_json;
        if (json is null || !ReferenceEquals(t_encoder, options.Encoder))
        {
            json = t_json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true });
            t_encoder = options.Encoder;
        }
        else
        {
            json.Reset(buffer);
        }

        JsonSerializer.Serialize(json, data, data.GetType(), options);
        json.Flush();
    }

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }

    /// <summary>
    /// An event lately written to a stream, with its JSON once a second stream wrote it. The
    /// in-process bus hands the same event object to every recipient's stream, so a message to a
    /// group of 10 was serialized 10 times, a twentieth of the server's CPU per send
    /// (docs/decisions/0014, 2026-12-01); now twice. A slot holds one event, replaced by the next
    /// one that falls in it: a few hundred events and their JSON at most, whatever the load.
    /// </summary>
    private sealed record Shared(LiveEvent Event, JsonSerializerOptions Options, string Type, byte[]? Json);
}
