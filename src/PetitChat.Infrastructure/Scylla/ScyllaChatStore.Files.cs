using System.Buffers.Text;
using System.Text;
using Amazon.DynamoDBv2.Model;
using PetitChat.Core.Files;
using PetitChat.Core.Paging;

namespace PetitChat.Infrastructure.Scylla;

/// <summary>
/// File metadata and blob reference counts (<see cref="IFileCatalog"/>) in the same cluster:
/// a blob's count is one atomic <c>ADD</c>, and a chat's listing is bucketed like its timeline.
/// </summary>
public sealed partial class ScyllaChatStore
{
    /// <summary>A chat's file listing partition spans 30 days of file ids.</summary>
    private const long FileBucketMilliseconds = 30 * BucketMilliseconds;

    public async Task<BlobRecord> AcquireBlobAsync(string sha256, string newKey, CancellationToken ct)
    {
        // One update: the count goes up and the first key stays, so concurrent uploads of the same
        // bytes never lose a count and agree on one generation. Not retried on an unknown outcome.
        var response = await _client.RunAsync((db, token) => db.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = _tables.Blobs,
            Key = BlobKey(sha256),
            UpdateExpression = "ADD refs :one SET #k = if_not_exists(#k, :key)",
            ExpressionAttributeNames = new() { ["#k"] = "key" },
            ExpressionAttributeValues = new() { [":one"] = N(1), [":key"] = S(newKey) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_NEW,
        }, token), idempotent: false, ct);
        return ReadBlob(response.Attributes);
    }

    public async Task MarkBlobStoredAsync(string sha256, string key, BlobDescription description, CancellationToken ct)
    {
        var values = new Dictionary<string, AttributeValue>
        {
            [":key"] = S(key),
            [":true"] = new AttributeValue { BOOL = true },
            [":size"] = N(description.Size),
            [":type"] = S(description.ContentType),
            [":preview"] = new AttributeValue { BOOL = description.HasPreview },
        };
        var names = new Dictionary<string, string>
        {
            ["#k"] = "key",
            ["#size"] = "size",
            ["#stored"] = "stored",
            ["#type"] = "contentType",
            ["#preview"] = "hasPreview",
        };
        var set = "#stored = :true, #size = :size, #type = :type, #preview = :preview";
        if (description.Width is { } width && description.Height is { } height)
        {
            values[":w"] = N(width);
            values[":h"] = N(height);
            (names["#w"], names["#h"]) = ("width", "height");
            set += ", #w = :w, #h = :h";
        }

        // Only for the generation that wrote the objects: a newer one keeps its own state.
        await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Blobs,
            Key = BlobKey(sha256),
            UpdateExpression = "SET " + set,
            ConditionExpression = "#k = :key",
            ExpressionAttributeNames = names,
            ExpressionAttributeValues = values,
        }, idempotent: true, ct);
    }

    public async Task<BlobRecord?> ReleaseBlobAsync(string sha256, CancellationToken ct)
    {
        var released = await TryUpdateAsync(new UpdateItemRequest
        {
            TableName = _tables.Blobs,
            Key = BlobKey(sha256),
            UpdateExpression = "ADD refs :minusOne",
            ConditionExpression = "refs > :zero",
            ExpressionAttributeValues = new() { [":minusOne"] = N(-1), [":zero"] = N(0) },
            ReturnValues = Amazon.DynamoDBv2.ReturnValue.ALL_NEW,
        }, idempotent: false, ct);
        if (released is null || LongOf(released.Attributes, "refs") != 0)
        {
            return null;
        }

        // The last reference: the record goes unless an acquire took the same generation again
        // meanwhile (then that upload shares the existing objects and nothing is orphaned).
        var blob = ReadBlob(released.Attributes);
        var removed = await TryDeleteAsync(new DeleteItemRequest
        {
            TableName = _tables.Blobs,
            Key = BlobKey(sha256),
            ConditionExpression = "refs = :zero AND #k = :key",
            ExpressionAttributeNames = new() { ["#k"] = "key" },
            ExpressionAttributeValues = new() { [":zero"] = N(0), [":key"] = S(blob.Key) },
        }, idempotent: true, ct);
        return removed is null ? null : blob;
    }

    public async Task<BlobRecord?> GetBlobAsync(string sha256, CancellationToken ct) =>
        await GetItemAsync(_tables.Blobs, BlobKey(sha256), ct) is { } item && LongOf(item, "refs") > 0 ? ReadBlob(item) : null;

    public async Task<StoredFile> AddFileAsync(NewFile file, CancellationToken ct)
    {
        var blob = await GetBlobAsync(file.Sha256, ct);
        if (blob is not { Stored: true, Description: { } description })
        {
            throw new InvalidOperationException($"The blob {file.Sha256} has no record or is not stored yet.");
        }

        var stored = new StoredFile(file.Id, file.ChatId, file.UploaderId, file.Name, file.Sha256, file.CreatedAt, blob.Key, description);
        // The file row (what GetFile reads), then the month in the chat's bucket list, then the
        // listing entry: a crash leaves a file that is readable but not yet listed.
        var item = FileItem(stored);
        await TryPutAsync(new PutItemRequest { TableName = _tables.Files, Item = item }, idempotent: true, ct);
        var bucket = MillisecondsOf(file.Id) / FileBucketMilliseconds;
        await BatchWriteAsync(_tables.ChatFileBuckets, [PutRequest(new() { ["chat"] = S(file.ChatId), ["bucket"] = N(bucket) })], ct);
        await BatchWriteAsync(_tables.ChatFiles, [PutRequest(new(item) { ["part"] = S(PartOf(file.ChatId, bucket)) })], ct);
        return stored;
    }

    public async Task<StoredFile?> GetFileAsync(Guid fileId, CancellationToken ct) =>
        await GetItemAsync(_tables.Files, new() { ["id"] = S(fileId) }, ct) is { } item ? ReadFile(item) : null;

    public async Task<IReadOnlyList<StoredFile>> GetFilesAsync(IReadOnlyCollection<Guid> fileIds, CancellationToken ct) =>
        fileIds.Count == 0
            ? []
            : [.. (await BatchGetAsync(_tables.Files, fileIds.Distinct().Select(id => new Dictionary<string, AttributeValue> { ["id"] = S(id) }), ct)).Select(ReadFile)];

    public async Task<Page<StoredFile>> ListFilesAsync(Guid chatId, int limit, string? cursor, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        Guid? before = cursor is null ? null : DecodeFileCursor(cursor);
        var bucketRequest = new QueryRequest
        {
            TableName = _tables.ChatFileBuckets,
            KeyConditionExpression = before is null ? "chat = :c" : "chat = :c AND #b <= :from",
            ExpressionAttributeValues = new() { [":c"] = S(chatId) },
            ScanIndexForward = false,
        };
        if (before is { } bound)
        {
            bucketRequest.ExpressionAttributeNames = new() { ["#b"] = "bucket" };
            bucketRequest.ExpressionAttributeValues[":from"] = N(MillisecondsOf(bound) / FileBucketMilliseconds);
        }

        var files = new List<StoredFile>();
        foreach (var bucketItem in await QueryAsync(bucketRequest, int.MaxValue, ct))
        {
            var request = new QueryRequest
            {
                TableName = _tables.ChatFiles,
                KeyConditionExpression = before is null ? "part = :p" : "part = :p AND id < :before",
                ExpressionAttributeValues = new() { [":p"] = S(PartOf(chatId, LongOf(bucketItem, "bucket") ?? 0)) },
                ScanIndexForward = false,
            };
            if (before is { } value)
            {
                request.ExpressionAttributeValues[":before"] = S(value);
            }

            files.AddRange((await QueryAsync(request, limit + 1 - files.Count, ct)).Select(ReadFile));
            if (files.Count > limit)
            {
                break;
            }
        }

        return files.Count > limit
            ? new Page<StoredFile>(files[..limit], Base64Url.EncodeToString(Encoding.UTF8.GetBytes(files[limit - 1].Id.ToString("D"))))
            : new Page<StoredFile>(files, null);
    }

    public async Task<(bool Deleted, BlobRecord? Orphan)> DeleteFileAsync(Guid fileId, CancellationToken ct)
    {
        if (await GetFileAsync(fileId, ct) is not { } file)
        {
            return (false, null);
        }

        // The listing entry, then the file row (whose conditional delete decides who deleted it),
        // then its reference: a retry after a crash finds the row and finishes.
        var bucket = MillisecondsOf(fileId) / FileBucketMilliseconds;
        await BatchWriteAsync(_tables.ChatFiles, [DeleteRequest(new() { ["part"] = S(PartOf(file.ChatId, bucket)), ["id"] = S(fileId) })], ct);
        var removed = await TryDeleteAsync(new DeleteItemRequest
        {
            TableName = _tables.Files,
            Key = new() { ["id"] = S(fileId) },
            ConditionExpression = "attribute_exists(id)",
        }, idempotent: false, ct);
        if (removed is null)
        {
            return (false, null);
        }

        return (true, await ReleaseBlobAsync(file.Sha256, ct));
    }

    public async Task<ImageSettings> GetSettingsAsync(Guid userId, CancellationToken ct) =>
        await GetItemAsync(_tables.ImageSettings, new() { ["user"] = S(userId) }, ct) is { } item
            ? new ImageSettings(item["autoLoad"].BOOL == true, item["lowQuality"].BOOL == true)
            : ImageSettings.Default;

    public async Task PutSettingsAsync(Guid userId, ImageSettings settings, CancellationToken ct) =>
        await TryPutAsync(new PutItemRequest
        {
            TableName = _tables.ImageSettings,
            Item = new()
            {
                ["user"] = S(userId),
                ["autoLoad"] = new AttributeValue { BOOL = settings.AutoLoadImages },
                ["lowQuality"] = new AttributeValue { BOOL = settings.LowQualityImages },
            },
        }, idempotent: true, ct);

    private static Guid DecodeFileCursor(string cursor)
    {
        try
        {
            if (Guid.TryParseExact(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)), "D", out var id))
            {
                return id;
            }
        }
        catch (FormatException)
        {
            // Reported below like any other malformed cursor.
        }

        throw new InvalidCursorException("The cursor is not one this catalog issued.");
    }

    private static Dictionary<string, AttributeValue> BlobKey(string sha256) => new() { ["sha256"] = S(sha256) };

    private static BlobRecord ReadBlob(Dictionary<string, AttributeValue> item) => new(
        RequiredString(item, "sha256"),
        RequiredString(item, "key"),
        (int)(LongOf(item, "refs") ?? 0),
        item.TryGetValue("stored", out var stored) && stored.BOOL == true,
        item.TryGetValue("stored", out var s) && s.BOOL == true ? ReadDescription(item) : null);

    private static BlobDescription ReadDescription(Dictionary<string, AttributeValue> item) => new(
        LongOf(item, "size") ?? 0,
        RequiredString(item, "contentType"),
        LongOf(item, "width") is { } w ? (int)w : null,
        LongOf(item, "height") is { } h ? (int)h : null,
        item.TryGetValue("hasPreview", out var preview) && preview.BOOL == true);

    /// <summary>The file row, with a copy of its blob's description (fixed once the blob is stored).</summary>
    private static Dictionary<string, AttributeValue> FileItem(StoredFile file)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["id"] = S(file.Id),
            ["chat"] = S(file.ChatId),
            ["uploader"] = S(file.UploaderId),
            ["name"] = S(file.Name),
            ["sha256"] = S(file.Sha256),
            ["at"] = N(file.CreatedAt),
            ["key"] = S(file.BlobKey),
            ["size"] = N(file.Blob.Size),
            ["contentType"] = S(file.Blob.ContentType),
            ["hasPreview"] = new AttributeValue { BOOL = file.Blob.HasPreview },
        };
        if (file.Blob.Width is { } width && file.Blob.Height is { } height)
        {
            item["width"] = N(width);
            item["height"] = N(height);
        }

        return item;
    }

    private static StoredFile ReadFile(Dictionary<string, AttributeValue> item) => new(
        GuidOf(item, "id"),
        GuidOf(item, "chat"),
        GuidOf(item, "uploader"),
        RequiredString(item, "name"),
        RequiredString(item, "sha256"),
        TimeOf(item, "at"),
        RequiredString(item, "key"),
        ReadDescription(item));
}
