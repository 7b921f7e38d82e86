using Microsoft.Extensions.Logging.Abstractions;
using PetitChat.Core.Common;
using PetitChat.Core.Files;
using PetitChat.Infrastructure.Images;
using PetitChat.Testing;

namespace PetitChat.Contracts.Tests.Files;

/// <summary>The image pipeline on the real libvips, with images and hostile files the test makes.</summary>
public sealed class VipsImagePipelineTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "petitchat-tests", Guid.NewGuid().ToString("N"));
    private readonly VipsImagePipeline _pipeline = new(ChatLimits.Default, ImageOptions.Default, NullLogger<VipsImagePipeline>.Instance);

    public VipsImagePipelineTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private (ProcessedImage? Image, string Sanitized) Process(byte[] bytes, ImageFormat format)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        var sanitized = path + ".clean";
        return (_pipeline.Process(path, format, sanitized), sanitized);
    }

    [Fact]
    public void A_png_gets_its_size_a_thumbnail_and_a_small_webp_preview()
    {
        var (image, sanitized) = Process(TestImages.Png(2000, 1000), ImageFormat.Png);

        Assert.NotNull(image);
        Assert.Equal(("image/png", 2000, 1000), (image.ContentType, image.Width, image.Height));
        Assert.Equal("webpload_buffer", TestImages.LoaderOf(image.Thumbnail));
        Assert.Equal("webpload_buffer", TestImages.LoaderOf(image.Preview));
        Assert.Equal((320, 160), TestImages.SizeOf(image.Thumbnail));
        Assert.Equal((1280, 640), TestImages.SizeOf(image.Preview));
        Assert.Equal((2000, 1000), TestImages.SizeOf(File.ReadAllBytes(sanitized)));
    }

    [Fact]
    public void What_is_served_of_a_jpeg_has_no_exif()
    {
        var original = TestImages.JpegWithExif();
        Assert.True(TestImages.Inspect(original).HasMetadata, "the test image should carry EXIF");

        var (image, sanitized) = Process(original, ImageFormat.Jpeg);

        Assert.NotNull(image);
        var served = File.ReadAllBytes(sanitized);
        Assert.False(TestImages.Inspect(served).HasMetadata);
        Assert.False(TestImages.Inspect(image.Preview).HasMetadata);
        Assert.False(TestImages.Inspect(image.Thumbnail).HasMetadata);
        Assert.DoesNotContain(TestImages.SecretMake, System.Text.Encoding.Latin1.GetString(served), StringComparison.Ordinal);
    }

    [Fact]
    public void An_animated_gif_keeps_its_frames_and_is_measured_by_one()
    {
        var gif = TestImages.AnimatedGif(40, 30, frames: 3);
        using (var source = NetVips.Image.NewFromBuffer(gif, kwargs: new NetVips.VOption { { "n", -1 } }))
        {
            Assert.Equal(90, source.Height);
        }

        var (image, sanitized) = Process(gif, ImageFormat.Gif);

        Assert.NotNull(image);
        Assert.Equal(("image/gif", 40, 30), (image.ContentType, image.Width, image.Height));
        using var served = NetVips.Image.NewFromFile(sanitized, kwargs: new NetVips.VOption { { "n", -1 } });
        Assert.Equal(90, served.Height);
    }

    [Fact]
    public void A_truncated_png_is_not_an_image()
    {
        var (image, sanitized) = Process(TestImages.TruncatedPng(), ImageFormat.Png);

        Assert.Null(image);
        Assert.False(File.Exists(sanitized));
    }

    [Fact]
    public void Text_behind_a_png_signature_is_not_an_image()
    {
        Assert.Null(Process(TestImages.TextBehindPngSignature(), ImageFormat.Png).Image);
    }

    [Fact]
    public void A_pixel_bomb_is_refused_from_its_header()
    {
        var bomb = TestImages.PixelBombPng();
        Assert.True(bomb.Length < 4096, $"the bomb is {bomb.Length} bytes");

        Assert.Null(Process(bomb, ImageFormat.Png).Image);
    }

    [Fact]
    public void A_png_announced_as_jpeg_is_not_decoded_as_one()
    {
        Assert.Null(Process(TestImages.Png(), ImageFormat.Jpeg).Image);
    }

    [Fact]
    public void Images_within_the_pixel_limit_but_wide_still_decode()
    {
        var (image, _) = Process(TestImages.Png(4000, 10), ImageFormat.Png);

        Assert.NotNull(image);
        Assert.Equal((4000, 10), (image.Width, image.Height));
    }
}
