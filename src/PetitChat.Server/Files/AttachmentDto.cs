using PetitChat.Core.Files;

namespace PetitChat.Server.Files;

/// <summary>
/// A file attached to a signal, as one user sees it: <c>loadUrl</c> is what the client loads
/// inline by that user's image settings (the preview with <c>lowQualityImages</c>, else the full
/// image), null when it should wait for a click (<c>autoLoadImages</c> off, or not an image).
/// </summary>
public sealed record AttachmentDto(
    Guid Id,
    string Name,
    long Size,
    string ContentType,
    int? Width,
    int? Height,
    string ContentUrl,
    string? PreviewUrl,
    string? ThumbnailUrl,
    string? LoadUrl)
{
    public static AttachmentDto From(StoredFile file, ImageSettings settings)
    {
        var dto = FileDto.From(file);
        var load = !settings.AutoLoadImages || !file.Blob.IsImage
            ? null
            : settings.LowQualityImages && dto.PreviewUrl is not null ? dto.PreviewUrl : dto.ContentUrl;
        return new AttachmentDto(file.Id, file.Name, file.Blob.Size, file.Blob.ContentType, file.Blob.Width, file.Blob.Height,
            dto.ContentUrl, dto.PreviewUrl, dto.ThumbnailUrl, load);
    }
}
