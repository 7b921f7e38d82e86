namespace PetitChat.Core.Files;

/// <summary>
/// Decodes uploads as images and makes what is served of them. An interface only because the
/// core knows no engine: libvips (NetVips) is the one implementation, in the infrastructure.
/// </summary>
public interface IImagePipeline
{
    /// <summary>
    /// Decodes the file at <paramref name="path"/> as an image of the <paramref name="format"/>
    /// its first bytes announced. Returns null when it does not decode, is truncated or has more
    /// pixels than allowed: the caller then stores it as a plain file. Otherwise writes the
    /// image without metadata (EXIF, GPS, XMP...) to <paramref name="sanitizedPath"/> and returns
    /// its size, a thumbnail and a low-quality preview. Never throws for bad input.
    /// </summary>
    ProcessedImage? Process(string path, ImageFormat format, string sanitizedPath);
}
