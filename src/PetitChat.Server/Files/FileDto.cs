using PetitChat.Core.Files;

namespace PetitChat.Server.Files;

/// <summary>
/// A file's metadata with the URLs to fetch it. <c>previewUrl</c> (low-quality WebP) and
/// <c>thumbnailUrl</c> are null for anything that is not a decoded image. <c>size</c> and
/// <c>contentType</c> describe the bytes served at <c>contentUrl</c> (for images: re-encoded
/// without metadata); <c>sha256</c> is the hash of the uploaded bytes.
/// </summary>
public sealed record FileDto(
    Guid Id,
    Guid ChatId,
    Guid UploaderId,
    string Name,
    long Size,
    string Sha256,
    string ContentType,
    DateTimeOffset CreatedAt,
    int? Width,
    int? Height,
    string ContentUrl,
    string? PreviewUrl,
    string? ThumbnailUrl)
{
    public static FileDto From(StoredFile file)
    {
        var url = $"/api/v1/files/{file.Id}";
        return new FileDto(file.Id, file.ChatId, file.UploaderId, file.Name, file.Blob.Size, file.Sha256, file.Blob.ContentType,
            file.CreatedAt, file.Blob.Width, file.Blob.Height, url + "/content",
            file.Blob.HasPreview ? url + "/preview" : null,
            file.Blob.HasPreview ? url + "/thumbnail" : null);
    }
}
