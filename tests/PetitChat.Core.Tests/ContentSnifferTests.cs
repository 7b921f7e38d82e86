using System.Text;
using PetitChat.Core.Files;

namespace PetitChat.Core.Tests;

public class ContentSnifferTests
{
    [Fact]
    public void Image_signatures_are_candidates_for_decoding()
    {
        Assert.Equal(("image/png", ImageFormat.Png), ContentSniffer.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]));
        Assert.Equal(("image/jpeg", ImageFormat.Jpeg), ContentSniffer.Sniff([0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.Equal(("image/gif", ImageFormat.Gif), ContentSniffer.Sniff("GIF89a...."u8));
        Assert.Equal(("image/webp", ImageFormat.Webp), ContentSniffer.Sniff("RIFF\0\0\0\0WEBPVP8 "u8));
    }

    [Fact]
    public void Other_known_formats_are_recognised_but_never_images()
    {
        Assert.Equal(("application/pdf", null), ContentSniffer.Sniff("%PDF-1.7\n"u8));
        Assert.Equal(("application/zip", null), ContentSniffer.Sniff("PK\u0003\u0004rest"u8));
        Assert.Equal(("video/mp4", null), ContentSniffer.Sniff("\0\0\0\u0018ftypmp42"u8));
    }

    [Fact]
    public void Utf8_text_is_text_even_when_the_head_cuts_a_character()
    {
        var text = Encoding.UTF8.GetBytes("Grüße, 世界\n");

        Assert.Equal("text/plain; charset=utf-8", ContentSniffer.Sniff(text).ContentType);
        Assert.Equal("text/plain; charset=utf-8", ContentSniffer.Sniff(text.AsSpan(0, text.Length - 3)).ContentType);
    }

    [Fact]
    public void Binary_and_empty_files_are_octet_streams()
    {
        Assert.Equal(ContentSniffer.OctetStream, ContentSniffer.Sniff([0x00, 0x01, 0x02, 0xFE]).ContentType);
        Assert.Equal(ContentSniffer.OctetStream, ContentSniffer.Sniff([]).ContentType);
        Assert.Equal(ContentSniffer.OctetStream, ContentSniffer.Sniff([0xC3, 0x28, 0x41, 0x42, 0x43]).ContentType);
    }
}
