namespace PetitChat.Core.Files;

/// <summary>
/// What the server found in a blob's bytes: the detected content type (never the client's
/// header), the size of the bytes served, and for an image that libvips decoded within limits
/// its size in pixels and whether a thumbnail and a low-quality preview were made.
/// </summary>
public sealed record BlobDescription(long Size, string ContentType, int? Width, int? Height, bool HasPreview)
{
    public bool IsImage => Width is not null;
}
