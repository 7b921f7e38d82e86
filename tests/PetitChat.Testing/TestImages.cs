using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using NetVips;

namespace PetitChat.Testing;

/// <summary>
/// Images made by the tests themselves (with libvips, or byte by byte for hostile ones), so the
/// repository holds no binary fixtures.
/// </summary>
public static class TestImages
{
    /// <summary>A camera's maker tag, written into the EXIF of <see cref="JpegWithExif"/>.</summary>
    public const string SecretMake = "LeakyCam-GPS-48.8584N";

    /// <summary>A colourful PNG (a gradient, so it does not compress to nothing).</summary>
    public static byte[] Png(int width = 64, int height = 48)
    {
        using var image = Gradient(width, height);
        return image.PngsaveBuffer();
    }

    public static byte[] Jpeg(int width = 64, int height = 48)
    {
        using var image = Gradient(width, height);
        return image.JpegsaveBuffer(q: 90);
    }

    /// <summary>An animated GIF of <paramref name="frames"/> frames.</summary>
    public static byte[] AnimatedGif(int width = 40, int height = 30, int frames = 3)
    {
        // Frames must differ: the GIF writer merges identical consecutive frames.
        using var frame = Gradient(width, height);
        var pages = Enumerable.Range(0, frames).Select(i => (frame ^ (i * 85)).Cast(Enums.BandFormat.Uchar)).ToArray();
        try
        {
            using var strip = Image.Arrayjoin(pages, across: 1);
            using var animated = strip.Mutate(m => m.Set(GValue.GIntType, "page-height", height));
            return animated.GifsaveBuffer();
        }
        finally
        {
            foreach (var page in pages)
            {
                page.Dispose();
            }
        }
    }

    /// <summary>A JPEG whose EXIF names <see cref="SecretMake"/> as the camera make.</summary>
    public static byte[] JpegWithExif(int width = 64, int height = 48)
    {
        using var image = Gradient(width, height);
        using var tagged = image.Mutate(m => m.Set(GValue.GStrType, "exif-ifd0-Make", SecretMake));
        return tagged.JpegsaveBuffer(q: 90, keep: Enums.ForeignKeep.All);
    }

    /// <summary>The first part of a real PNG: the header is intact, the pixel data cut short.</summary>
    public static byte[] TruncatedPng()
    {
        var whole = Png(256, 256);
        return whole[..(whole.Length / 2)];
    }

    /// <summary>Text behind a PNG signature: what a disguised file looks like.</summary>
    public static byte[] TextBehindPngSignature() =>
        [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.ASCII.GetBytes("<script>alert(1)</script> not an image at all")];

    /// <summary>
    /// A PNG of a few hundred bytes that declares <paramref name="width"/> x <paramref name="height"/>
    /// pixels (a decompression bomb): a valid header and a tiny compressed stream of zero rows.
    /// </summary>
    public static byte[] PixelBombPng(int width = 50_000, int height = 50_000)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 0; // greyscale
        WriteChunk(output, "IHDR", header);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                // The first rows only; a decoder that trusted the header would allocate for all of them.
                zlib.Write(new byte[(width + 1) * 4]);
            }

            WriteChunk(output, "IDAT", compressed.ToArray());
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>Width and height of an encoded image, and whether it has any EXIF or XMP left.</summary>
    public static (int Width, int Height, bool HasMetadata) Inspect(byte[] encoded)
    {
        using var image = Image.NewFromBuffer(encoded);
        var fields = image.GetFields();
        var metadata = fields.Any(f => f.StartsWith("exif-", StringComparison.Ordinal) || f == "xmp-data" || f == "iptc-data");
        return (image.Width, image.Height, metadata);
    }

    public static (int Width, int Height) SizeOf(byte[] encoded)
    {
        var (width, height, _) = Inspect(encoded);
        return (width, height);
    }

    public static string LoaderOf(byte[] encoded)
    {
        using var image = Image.NewFromBuffer(encoded);
        return (string)image.Get("vips-loader");
    }

    private static Image Gradient(int width, int height)
    {
        using var xyz = Image.Xyz(width, height);
        using var scaled = xyz * (255.0 / Math.Max(width, height));
        using var blue = Image.Black(width, height) + 128;
        using var joined = scaled.Bandjoin(blue);
        return joined.Cast(Enums.BandFormat.Uchar);
    }

    private static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(length, Crc32([.. typeBytes, .. data]));
        output.Write(length);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
