using System.Buffers;
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
        var (type, data) = EventPayloads.Of(delivered.Event);
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

    public void Dispose()
    {
        if (_array is not null)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }
    }
}
