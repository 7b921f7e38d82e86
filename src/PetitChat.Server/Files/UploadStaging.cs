using System.Buffers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using PetitChat.Core.Common;
using PetitChat.Core.Files;

namespace PetitChat.Server.Files;

/// <summary>
/// Streams the file part of a multipart upload to a temporary file, hashing it on the way, so
/// that memory stays flat whatever the file's size. Stops reading at the size limit and deletes
/// what it wrote: an upload that is too large leaves nothing behind.
/// </summary>
public sealed class UploadStaging(IOptions<FileUploadOptions> options, ChatLimits limits)
{
    /// <summary>A staged file older than this was left by a crash: no upload takes that long.</summary>
    private static readonly TimeSpan Abandoned = TimeSpan.FromDays(1);

    /// <summary>Room for the multipart framing and small form fields around the file.</summary>
    private const long FramingAllowance = 64 * 1024;

    private readonly string _folder = options.Value.ResolvedTempPath;
    private int _swept;

    public async Task<Result<StagedUpload>> StageAsync(HttpRequest request, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(mediaType.Boundary) is not { Length: > 0 and <= 70 } boundary)
        {
            return new Invalid("file", "Send the file as multipart/form-data, in a part named 'file' with a filename.");
        }

        // The whole body may not be much larger than one file; Kestrel enforces it as it reads.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limits.MaxFileSize + FramingAllowance;
        }

        var reader = new MultipartReader(boundary.ToString(), request.Body)
        {
            HeadersLengthLimit = 16 * 1024,
            BodyLengthLimit = limits.MaxFileSize + FramingAllowance,
        };
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    && disposition.IsFileDisposition())
                {
                    var name = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    return await CopyAsync(section.Body, name, ct);
                }

                // Other parts are skipped unread; the reader drains them on the next call.
            }
        }
        catch (InvalidDataException e)
        {
            // Malformed framing, or a part (headers or a form field) over the reader's limits.
            return new Invalid("file", "The multipart body is malformed: " + e.Message);
        }

        return new Invalid("file", "The multipart body has no file part (a part with a filename).");
    }

    /// <summary>Once per process: staged files that a crashed process left behind.</summary>
    private void SweepAbandoned()
    {
        foreach (var file in new DirectoryInfo(_folder).EnumerateFiles())
        {
            if (DateTime.UtcNow - file.LastWriteTimeUtc > Abandoned)
            {
                try
                {
                    file.Delete();
                }
                catch (IOException)
                {
                    // Another process's upload in flight, or already gone.
                }
            }
        }
    }

    /// <summary>Deletes the temporary file of a staged upload.</summary>
    public static void Discard(StagedUpload upload) => File.Delete(upload.Path);

    private async Task<Result<StagedUpload>> CopyAsync(Stream body, string? name, CancellationToken ct)
    {
        Directory.CreateDirectory(_folder);
        if (Interlocked.Exchange(ref _swept, 1) == 0)
        {
            SweepAbandoned();
        }

        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        var head = new byte[ContentSniffer.HeadLength];
        var headLength = 0;
        long size = 0;
        var keep = false;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await body.ReadAsync(buffer, ct)) > 0)
                {
                    size += read;
                    if (size > limits.MaxFileSize)
                    {
                        return new TooLarge("file", $"A file is at most {limits.MaxFileSize} bytes.");
                    }

                    if (headLength < head.Length)
                    {
                        var take = Math.Min(read, head.Length - headLength);
                        buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                        headLength += take;
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }

            keep = true;
            return new StagedUpload(path, size, Convert.ToHexStringLower(hash.GetHashAndReset()), head[..headLength], name);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!keep)
            {
                File.Delete(path);
            }
        }
    }
}
