namespace PetitChat.Infrastructure.Images;

/// <summary>What the image pipeline makes, bound from <c>Images</c>.</summary>
public sealed record ImageOptions
{
    public const string Section = "Images";

    public static ImageOptions Default { get; } = new();

    /// <summary>The longest side of a thumbnail, in pixels.</summary>
    public int ThumbnailSize { get; init; } = 320;

    /// <summary>The longest side of the low-quality preview, in pixels.</summary>
    public int PreviewSize { get; init; } = 1280;

    /// <summary>WebP quality (1..100) of the low-quality preview.</summary>
    public int PreviewQuality { get; init; } = 40;

    /// <summary>WebP quality of thumbnails.</summary>
    public int ThumbnailQuality { get; init; } = 70;

    /// <summary>JPEG and lossy WebP quality of the served, metadata-free copy of an upload.</summary>
    public int SanitizedQuality { get; init; } = 90;
}
