using PetitChat.Core.Paging;

namespace PetitChat.Core.Files;

/// <summary>
/// File metadata and blob reference counts: SQLite on a laptop (the chat store's file), a
/// ScyllaDB table in production. Every adapter passes the contract suite in
/// tests/PetitChat.Contracts.Tests/Files. A blob's reference count is the number of file
/// records (plus uploads in flight) that use it; the record and its objects go when it reaches 0.
/// </summary>
public interface IFileCatalog
{
    /// <summary>
    /// Takes one reference on the blob with <paramref name="sha256"/>. When no record exists it is
    /// created with <paramref name="newKey"/>, one reference and <c>Stored = false</c>; otherwise its
    /// count goes up by one. Returns the record after the change. Concurrent calls never lose a
    /// count and agree on one key.
    /// </summary>
    Task<BlobRecord> AcquireBlobAsync(string sha256, string newKey, CancellationToken ct);

    /// <summary>
    /// Records that the objects of generation <paramref name="key"/> are written, with what was
    /// found in them. Idempotent; does nothing when the blob's current generation is another one.
    /// </summary>
    Task MarkBlobStoredAsync(string sha256, string key, BlobDescription description, CancellationToken ct);

    /// <summary>
    /// Drops one reference taken with <see cref="AcquireBlobAsync"/> (an upload that failed). When
    /// it was the last one the record is removed and returned, so the caller deletes its objects.
    /// </summary>
    Task<BlobRecord?> ReleaseBlobAsync(string sha256, CancellationToken ct);

    Task<BlobRecord?> GetBlobAsync(string sha256, CancellationToken ct);

    /// <summary>
    /// Writes the file's metadata. The caller holds a reference on its blob (from
    /// <see cref="AcquireBlobAsync"/>), which the file record now owns. Throws when the blob has
    /// no record or is not stored yet.
    /// </summary>
    Task<StoredFile> AddFileAsync(NewFile file, CancellationToken ct);

    Task<StoredFile?> GetFileAsync(Guid fileId, CancellationToken ct);

    /// <summary>The files among <paramref name="fileIds"/> that exist, in no particular order.</summary>
    Task<IReadOnlyList<StoredFile>> GetFilesAsync(IReadOnlyCollection<Guid> fileIds, CancellationToken ct);

    /// <summary>A chat's files, newest first (by id, which is UUIDv7), paged by an opaque cursor.</summary>
    Task<Page<StoredFile>> ListFilesAsync(Guid chatId, int limit, string? cursor, CancellationToken ct);

    /// <summary>
    /// Removes the file record and its reference on the blob, together. Returns whether there was
    /// such a file and, when it held the last reference, the removed blob record whose objects
    /// the caller deletes.
    /// </summary>
    Task<(bool Deleted, BlobRecord? Orphan)> DeleteFileAsync(Guid fileId, CancellationToken ct);

    /// <summary>The user's image settings, <see cref="ImageSettings.Default"/> when never set.</summary>
    Task<ImageSettings> GetSettingsAsync(Guid userId, CancellationToken ct);

    Task PutSettingsAsync(Guid userId, ImageSettings settings, CancellationToken ct);
}
