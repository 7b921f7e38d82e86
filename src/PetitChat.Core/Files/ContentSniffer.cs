using System.Text;

namespace PetitChat.Core.Files;

/// <summary>
/// The content type of an upload from its first bytes, never from the client's header or the
/// file name. An image format found here is only a candidate: the file is served as an image
/// only once libvips has decoded it.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadLength = 512;

    public const string OctetStream = "application/octet-stream";

    public static (string ContentType, ImageFormat? Image) Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ("image/jpeg", ImageFormat.Jpeg);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ("image/png", ImageFormat.Png);
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return ("image/gif", ImageFormat.Gif);
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ("image/webp", ImageFormat.Webp);
        }

        if (head.StartsWith("%PDF-"u8))
        {
            return ("application/pdf", null);
        }

        if (head.StartsWith("PK\x03\x04"u8))
        {
            return ("application/zip", null);
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B]))
        {
            return ("application/gzip", null);
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return ("video/mp4", null);
        }

        if (head.StartsWith("OggS"u8))
        {
            return ("audio/ogg", null);
        }

        if (head.StartsWith("ID3"u8))
        {
            return ("audio/mpeg", null);
        }

        return (LooksLikeText(head) ? "text/plain; charset=utf-8" : OctetStream, null);
    }

    /// <summary>UTF-8 without control characters other than whitespace (a cut last character is fine).</summary>
    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }

        foreach (var b in head)
        {
            if (b < 0x20 && b is not (byte)'\n' and not (byte)'\r' and not (byte)'\t' and not 0x0C)
            {
                return false;
            }
        }

        // Allow a multi-byte character cut at the end of the head.
        for (var trim = 0; trim < 4 && trim < head.Length; trim++)
        {
            if (System.Text.Unicode.Utf8.IsValid(head[..^trim]))
            {
                return true;
            }
        }

        return false;
    }
}
