using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PetitChat.Core.Common;

/// <summary>
/// UUIDv7 ids that are strictly increasing within this process. <see cref="Guid.CreateVersion7()"/>
/// fills the bits after the millisecond with random data, so two signals sent in the same
/// millisecond could sort in the wrong order; RFC 9562 §6.2 (method 1) uses those 12 bits as a
/// counter instead, which keeps a sender's consecutive messages in order.
/// </summary>
public sealed class Ids(TimeProvider time)
{
    private readonly Lock _gate = new();
    private long _lastMs;
    private int _counter;

    public Guid Next()
    {
        long ms;
        int counter;
        lock (_gate)
        {
            ms = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), _lastMs);
            if (ms == _lastMs)
            {
                if (++_counter > 0xFFF)
                {
                    ms++;
                    _counter = 0;
                }
            }
            else
            {
                _counter = 0;
            }

            _lastMs = ms;
            counter = _counter;
        }

        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes[8..]);
        BinaryPrimitives.WriteInt64BigEndian(bytes, ms << 16);
        bytes[6] = (byte)(0x70 | (counter >> 8));
        bytes[7] = (byte)counter;
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Milliseconds since the Unix epoch encoded in a UUIDv7.</summary>
    public static DateTimeOffset TimestampOf(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        var ms = BinaryPrimitives.ReadInt64BigEndian(bytes) >>> 16;
        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>
    /// The lowest id of the millisecond of <paramref name="at"/>: every UUIDv7 made before it sorts
    /// below (as bytes and as "D" text), every one made at or after it above or equal.
    /// </summary>
    public static Guid FirstAt(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, Math.Clamp(at.ToUnixTimeMilliseconds(), 0, (1L << 48) - 1) << 16);
        return new Guid(bytes, bigEndian: true);
    }
}
