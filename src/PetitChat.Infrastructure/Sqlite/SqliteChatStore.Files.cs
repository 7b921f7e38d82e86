using Microsoft.Data.Sqlite;
using PetitChat.Core.Files;
using PetitChat.Core.Paging;

using static PetitChat.Infrastructure.Sqlite.SqliteCommands;

namespace PetitChat.Infrastructure.Sqlite;

/// <summary>
/// The embedded <see cref="IFileCatalog"/>, in the chat store's database file. Reference counts
/// change inside <c>BEGIN IMMEDIATE</c> transactions, so concurrent uploads and deletes of the
/// same bytes queue on the write lock and never lose a count.
/// </summary>
public sealed partial class SqliteChatStore : IFileCatalog
{
    private const string BlobColumns = "b.sha256, b.blob_key, b.ref_count, b.stored, b.size, b.content_type, b.width, b.height, b.has_preview";
    private const string FileColumns = "f.id, f.chat_id, f.uploader_id, f.name, f.sha256, f.created_at";

    public async Task<BlobRecord> AcquireBlobAsync(string sha256, string newKey, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, """
            INSERT INTO blobs (sha256, blob_key, ref_count) VALUES (@sha256, @key, 1)
            ON CONFLICT (sha256) DO UPDATE SET ref_count = ref_count + 1
            """, ct, ("@sha256", sha256), ("@key", newKey));
        var blob = await ReadBlobAsync(connection, sha256, ct);
        await transaction.CommitAsync(ct);
        return blob!;
    }

    public async Task MarkBlobStoredAsync(string sha256, string key, BlobDescription description, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            UPDATE blobs SET stored = 1, size = @size, content_type = @contentType, width = @width, height = @height,
                             has_preview = @hasPreview
            WHERE sha256 = @sha256 AND blob_key = @key
            """, ct,
            ("@sha256", sha256), ("@key", key), ("@size", description.Size), ("@contentType", description.ContentType),
            ("@width", description.Width), ("@height", description.Height), ("@hasPreview", description.HasPreview));
    }

    public async Task<BlobRecord?> ReleaseBlobAsync(string sha256, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var orphan = await ReleaseInTransactionAsync(connection, sha256, ct);
        await transaction.CommitAsync(ct);
        return orphan;
    }

    public async Task<BlobRecord?> GetBlobAsync(string sha256, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await ReadBlobAsync(connection, sha256, ct);
    }

    public async Task<StoredFile> AddFileAsync(NewFile file, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var blob = await ReadBlobAsync(connection, file.Sha256, ct);
        if (blob is not { Stored: true, Description: { } description })
        {
            throw new InvalidOperationException($"Blob {file.Sha256} is not stored; acquire and store it before adding a file.");
        }

        await ExecuteAsync(connection, """
            INSERT INTO files (id, chat_id, uploader_id, name, sha256, created_at)
            VALUES (@id, @chatId, @uploaderId, @name, @sha256, @createdAt)
            """, ct,
            ("@id", ToText(file.Id)), ("@chatId", ToText(file.ChatId)), ("@uploaderId", ToText(file.UploaderId)),
            ("@name", file.Name), ("@sha256", file.Sha256), ("@createdAt", ToText(file.CreatedAt)));
        await transaction.CommitAsync(ct);
        return new StoredFile(file.Id, file.ChatId, file.UploaderId, file.Name, file.Sha256, file.CreatedAt, blob.Key, description);
    }

    public async Task<StoredFile?> GetFileAsync(Guid fileId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var files = await QueryAsync(connection, $"""
            SELECT {FileColumns}, {BlobColumns} FROM files f JOIN blobs b ON b.sha256 = f.sha256 WHERE f.id = @id
            """, ReadFile, ct, ("@id", ToText(fileId)));
        return files.Count == 0 ? null : files[0];
    }

    public async Task<IReadOnlyList<StoredFile>> GetFilesAsync(IReadOnlyCollection<Guid> fileIds, CancellationToken ct)
    {
        if (fileIds.Count == 0)
        {
            return [];
        }

        await using var connection = await OpenAsync(ct);
        return await QueryAsync(connection, $"""
            SELECT {FileColumns}, {BlobColumns} FROM files f JOIN blobs b ON b.sha256 = f.sha256
            WHERE f.id IN (SELECT value FROM json_each(@ids))
            """, ReadFile, ct, ("@ids", ToJsonArray(fileIds)));
    }

    public async Task<Page<StoredFile>> ListFilesAsync(Guid chatId, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // Id text order is UUIDv7 order; "~" sorts after every id, so no cursor starts at the newest.
        var before = cursor is null ? "~" : ToText(SqliteCursor.Decode(cursor).Id);
        await using var connection = await OpenAsync(ct);
        var rows = await QueryAsync(connection, $"""
            SELECT {FileColumns}, {BlobColumns} FROM files f JOIN blobs b ON b.sha256 = f.sha256
            WHERE f.chat_id = @chatId AND f.id < @before
            ORDER BY f.id DESC
            LIMIT @take
            """, ReadFile, ct, ("@chatId", ToText(chatId)), ("@before", before), ("@take", limit + 1));
        if (rows.Count <= limit)
        {
            return new Page<StoredFile>(rows, null);
        }

        rows.RemoveAt(rows.Count - 1);
        return new Page<StoredFile>(rows, SqliteCursor.Encode(rows[^1].Id, "f"));
    }

    public async Task<(bool Deleted, BlobRecord? Orphan)> DeleteFileAsync(Guid fileId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var sha256 = await ScalarAsync(connection, "DELETE FROM files WHERE id = @id RETURNING sha256", ct, ("@id", ToText(fileId)));
        if (sha256 is not string hash)
        {
            return (false, null);
        }

        var orphan = await ReleaseInTransactionAsync(connection, hash, ct);
        await transaction.CommitAsync(ct);
        return (true, orphan);
    }

    public async Task<ImageSettings> GetSettingsAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        var rows = await QueryAsync(connection, "SELECT auto_load_images, low_quality_images FROM image_settings WHERE user_id = @userId",
            reader => new ImageSettings(reader.GetBoolean(0), reader.GetBoolean(1)), ct, ("@userId", ToText(userId)));
        return rows.Count == 0 ? ImageSettings.Default : rows[0];
    }

    public async Task PutSettingsAsync(Guid userId, ImageSettings settings, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await ExecuteAsync(connection, """
            INSERT INTO image_settings (user_id, auto_load_images, low_quality_images) VALUES (@userId, @autoLoad, @lowQuality)
            ON CONFLICT (user_id) DO UPDATE SET auto_load_images = excluded.auto_load_images, low_quality_images = excluded.low_quality_images
            """, ct, ("@userId", ToText(userId)), ("@autoLoad", settings.AutoLoadImages), ("@lowQuality", settings.LowQualityImages));
    }

    /// <summary>Drops one reference; at zero removes the record and returns it (as it was) for its objects to go.</summary>
    private static async Task<BlobRecord?> ReleaseInTransactionAsync(SqliteConnection connection, string sha256, CancellationToken ct)
    {
        var changed = await ExecuteAsync(connection, "UPDATE blobs SET ref_count = ref_count - 1 WHERE sha256 = @sha256 AND ref_count > 0", ct,
            ("@sha256", sha256));
        if (changed == 0)
        {
            return null;
        }

        var blob = await ReadBlobAsync(connection, sha256, ct);
        if (blob is null || blob.RefCount > 0)
        {
            return null;
        }

        await ExecuteAsync(connection, "DELETE FROM blobs WHERE sha256 = @sha256", ct, ("@sha256", sha256));
        return blob;
    }

    private static async Task<BlobRecord?> ReadBlobAsync(SqliteConnection connection, string sha256, CancellationToken ct)
    {
        var rows = await QueryAsync(connection, $"SELECT {BlobColumns} FROM blobs b WHERE b.sha256 = @sha256", reader => ReadBlob(reader, 0), ct,
            ("@sha256", sha256));
        return rows.Count == 0 ? null : rows[0];
    }

    private static BlobRecord ReadBlob(SqliteDataReader reader, int offset)
    {
        var stored = reader.GetBoolean(offset + 3);
        var description = stored
            ? new BlobDescription(
                reader.GetInt64(offset + 4),
                reader.GetString(offset + 5),
                reader.IsDBNull(offset + 6) ? null : reader.GetInt32(offset + 6),
                reader.IsDBNull(offset + 7) ? null : reader.GetInt32(offset + 7),
                reader.GetBoolean(offset + 8))
            : null;
        return new BlobRecord(reader.GetString(offset), reader.GetString(offset + 1), reader.GetInt32(offset + 2), stored, description);
    }

    private static StoredFile ReadFile(SqliteDataReader reader)
    {
        var blob = ReadBlob(reader, 6);
        return new StoredFile(
            ReadGuid(reader, 0),
            ReadGuid(reader, 1),
            ReadGuid(reader, 2),
            reader.GetString(3),
            reader.GetString(4),
            ReadTime(reader, 5),
            blob.Key,
            blob.Description ?? throw new InvalidOperationException($"File {reader.GetString(0)} points at blob {blob.Sha256}, which is not stored."));
    }
}
