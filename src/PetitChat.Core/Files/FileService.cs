using PetitChat.Core.Chats;
using PetitChat.Core.Common;
using PetitChat.Core.Paging;

namespace PetitChat.Core.Files;

/// <summary>
/// Attachments: content-addressed blobs (one copy per distinct bytes, reference counted) under
/// per-chat file records. Every call checks that the caller is a member of the file's chat; a
/// non-member gets the same "not found" as for a file that does not exist.
/// </summary>
public sealed class FileService(
    IChatRoster roster, IFileCatalog catalog, IBlobStore blobs, IImagePipeline images, Ids ids, TimeProvider time, ChatLimits limits) : IDisposable
{
    public static readonly NotFound FileNotFound = new("No such file.");

    // libvips work is CPU- and memory-heavy; a few at a time keeps a burst of uploads from
    // decoding dozens of large images at once.
    private readonly SemaphoreSlim _imageSlots = new(Math.Max(1, Environment.ProcessorCount));

    /// <summary>Checked before the endpoint reads the body, so a non-member's upload is refused unread.</summary>
    public async Task<Failure?> CheckCanUploadAsync(Guid callerId, Guid chatId, CancellationToken ct) =>
        await roster.GetMemberAsync(chatId, callerId, ct) is null ? ChatService.ChatNotFound : null;

    /// <summary>
    /// Stores a staged upload as a file of the chat. The blob is written only when no stored blob
    /// has the same hash; the reference is taken first and given back if anything fails, so a
    /// failed upload leaves no reference and, when it was the only user, no objects.
    /// </summary>
    public async Task<Result<StoredFile>> AddAsync(Guid callerId, Guid chatId, StagedUpload upload, CancellationToken ct)
    {
        if (upload.Size > limits.MaxFileSize)
        {
            return new TooLarge("file", $"A file is at most {limits.MaxFileSize} bytes.");
        }

        if (await CheckCanUploadAsync(callerId, chatId, ct) is { } notMember)
        {
            return notMember;
        }

        // Encrypted chats' files are ciphertext: each upload is its own blob (a random identity
        // instead of the content hash, so equal uploads are never found equal) and never decoded.
        var encrypted = await roster.GetChatAsync(chatId, ct) is { Encrypted: true };
        if (encrypted)
        {
            upload = upload with { Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
        }

        var blob = await catalog.AcquireBlobAsync(upload.Sha256, BlobKeys.NewKey(upload.Sha256), ct);
        try
        {
            if (!blob.Stored)
            {
                var description = await WriteObjectsAsync(blob.Key, upload, decode: !encrypted, ct);
                await catalog.MarkBlobStoredAsync(upload.Sha256, blob.Key, description, ct);
            }

            var name = FileNames.Sanitize(upload.Name);
            return await catalog.AddFileAsync(new NewFile(ids.Next(), chatId, callerId, name, upload.Sha256, time.GetUtcNow()), ct);
        }
        catch
        {
            // Not the request's token: a cancelled upload must still give its reference back.
            var orphan = await catalog.ReleaseBlobAsync(upload.Sha256, CancellationToken.None);
            if (orphan is not null)
            {
                await DeleteObjectsAsync(orphan.Key);
            }

            throw;
        }
    }

    public async Task<Result<StoredFile>> GetAsync(Guid callerId, Guid fileId, CancellationToken ct)
    {
        var file = await catalog.GetFileAsync(fileId, ct);
        if (file is null || await roster.GetMemberAsync(file.ChatId, callerId, ct) is null)
        {
            return FileNotFound;
        }

        return file;
    }

    public async Task<Result<Page<StoredFile>>> ListAsync(Guid callerId, Guid chatId, int? limit, string? cursor, CancellationToken ct)
    {
        if (PageSize.Check(limit, limits) is { } invalid)
        {
            return invalid;
        }

        if (await roster.GetMemberAsync(chatId, callerId, ct) is null)
        {
            return ChatService.ChatNotFound;
        }

        try
        {
            return await catalog.ListFilesAsync(chatId, limit ?? limits.DefaultPageSize, cursor, ct);
        }
        catch (InvalidCursorException e)
        {
            // A bad cursor is bad input like any other: a 400 naming it, not an exception for the middleware.
            return new Invalid("cursor", e.Message);
        }
    }

    /// <summary>
    /// Removes a file; only its uploader may. Messages that attached it keep the id but show it
    /// no more. The blob goes with its last reference.
    /// </summary>
    public async Task<Failure?> DeleteAsync(Guid callerId, Guid fileId, CancellationToken ct)
    {
        var found = await GetAsync(callerId, fileId, ct);
        if (!found.Succeeded)
        {
            return found.Failure;
        }

        if (found.Value.UploaderId != callerId)
        {
            return new Forbidden("Only the uploader can delete a file.");
        }

        var (deleted, orphan) = await catalog.DeleteFileAsync(fileId, ct);
        if (orphan is not null)
        {
            await DeleteObjectsAsync(orphan.Key);
        }

        return deleted ? null : FileNotFound;
    }

    /// <summary>
    /// Removes the file records of a deleted message's attachments; each blob goes with its last
    /// reference. Runs after the tombstone is stored, so it takes no request cancellation.
    /// </summary>
    public async Task ReleaseAttachmentsAsync(IReadOnlyList<Guid> fileIds)
    {
        foreach (var fileId in fileIds)
        {
            var (_, orphan) = await catalog.DeleteFileAsync(fileId, CancellationToken.None);
            if (orphan is not null)
            {
                await DeleteObjectsAsync(orphan.Key);
            }
        }
    }

    /// <summary>The bytes of a file (or a range of them), or null when the blob is missing.</summary>
    public Task<BlobContent?> OpenContentAsync(StoredFile file, long offset, long? length, CancellationToken ct) =>
        blobs.OpenReadAsync(BlobKeys.Content(file.BlobKey), offset, length, ct);

    /// <summary>The low-quality preview or the thumbnail of an image file; null when it has none.</summary>
    public async Task<BlobContent?> OpenPreviewAsync(StoredFile file, bool thumbnail, CancellationToken ct) =>
        file.Blob.HasPreview
            ? await blobs.OpenReadAsync(thumbnail ? BlobKeys.Thumbnail(file.BlobKey) : BlobKeys.Preview(file.BlobKey), 0, null, ct)
            : null;

    /// <summary>A short-lived direct URL for the bytes when the blob store gives such URLs, else null.</summary>
    public Task<Uri?> GetDownloadUrlAsync(StoredFile file, string contentDisposition, CancellationToken ct) =>
        blobs.GetDownloadUrlAsync(BlobKeys.Content(file.BlobKey), limits.DownloadUrlLifetime, file.Blob.ContentType, contentDisposition, ct);

    /// <summary>
    /// Whether <paramref name="fileIds"/> may be attached by the sender to a message of the chat:
    /// at most the configured count, each a file of this chat that the sender uploaded.
    /// </summary>
    public async Task<Invalid?> CheckAttachmentsAsync(Guid senderId, Guid chatId, IReadOnlyList<Guid> fileIds, CancellationToken ct)
    {
        if (fileIds.Count == 0)
        {
            return null;
        }

        if (fileIds.Count > limits.MaxAttachmentsPerMessage)
        {
            return new Invalid("attachmentIds", $"A message has at most {limits.MaxAttachmentsPerMessage} attachments.");
        }

        if (fileIds.Distinct().Count() != fileIds.Count)
        {
            return new Invalid("attachmentIds", "attachmentIds lists a file twice.");
        }

        var files = await catalog.GetFilesAsync(fileIds, ct);
        foreach (var id in fileIds)
        {
            var file = files.FirstOrDefault(f => f.Id == id);
            if (file is null || file.ChatId != chatId || file.UploaderId != senderId)
            {
                return new Invalid("attachmentIds", $"File {id} is not a file you uploaded to this chat.");
            }
        }

        return null;
    }

    /// <summary>The files behind the attachments of some signals, by id; deleted ones are absent.</summary>
    public async Task<IReadOnlyDictionary<Guid, StoredFile>> DescribeAsync(IEnumerable<Guid> fileIds, CancellationToken ct)
    {
        var wanted = fileIds.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return new Dictionary<Guid, StoredFile>();
        }

        return (await catalog.GetFilesAsync(wanted, ct)).ToDictionary(f => f.Id);
    }

    public void Dispose() => _imageSlots.Dispose();

    public Task<ImageSettings> GetSettingsAsync(Guid callerId, CancellationToken ct) => catalog.GetSettingsAsync(callerId, ct);

    public Task PutSettingsAsync(Guid callerId, ImageSettings settings, CancellationToken ct) => catalog.PutSettingsAsync(callerId, settings, ct);

    /// <summary>Writes a new blob generation: the served bytes and, for an image, its thumbnail and preview.</summary>
    private async Task<BlobDescription> WriteObjectsAsync(string key, StagedUpload upload, bool decode, CancellationToken ct)
    {
        var (contentType, format) = decode ? ContentSniffer.Sniff(upload.Head) : (ContentSniffer.OctetStream, null);
        ProcessedImage? image = null;
        var sanitized = upload.Path + ".clean";
        try
        {
            if (format is { } candidate)
            {
                await _imageSlots.WaitAsync(ct);
                try
                {
                    image = await Task.Run(() => images.Process(upload.Path, candidate, sanitized), ct);
                }
                finally
                {
                    _imageSlots.Release();
                }

                // A file that only claims to be an image is kept, as bytes nobody renders.
                contentType = image?.ContentType ?? ContentSniffer.OctetStream;
            }

            if (image is not null)
            {
                using var thumbnail = new MemoryStream(image.Thumbnail, writable: false);
                await blobs.PutAsync(BlobKeys.Thumbnail(key), thumbnail, "image/webp", ct);
                using var preview = new MemoryStream(image.Preview, writable: false);
                await blobs.PutAsync(BlobKeys.Preview(key), preview, "image/webp", ct);
            }

            // An image is served as re-encoded without its metadata, never as uploaded.
            await using var content = new FileStream(image is null ? upload.Path : sanitized, FileMode.Open, FileAccess.Read, FileShare.Read,
                bufferSize: 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var size = content.Length;
            await blobs.PutAsync(BlobKeys.Content(key), content, contentType, ct);
            return new BlobDescription(size, contentType, image?.Width, image?.Height, image is not null);
        }
        finally
        {
            File.Delete(sanitized);
        }
    }

    private async Task DeleteObjectsAsync(string key)
    {
        // The record is gone already; a failure here leaves an unreferenced object, never a
        // record without its object.
        await blobs.DeleteAsync(BlobKeys.Content(key), CancellationToken.None);
        await blobs.DeleteAsync(BlobKeys.Thumbnail(key), CancellationToken.None);
        await blobs.DeleteAsync(BlobKeys.Preview(key), CancellationToken.None);
    }
}
