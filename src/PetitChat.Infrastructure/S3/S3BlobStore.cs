using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using PetitChat.Core.Files;

namespace PetitChat.Infrastructure.S3;

/// <summary>
/// The production <see cref="IBlobStore"/>: one object per key in one bucket of any S3 endpoint.
/// A PUT is atomic on S3 (readers see the old or the new object), which gives the port's
/// "never a mix" rule for free.
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    /// <summary>
    /// Direct URLs expire within 5 minutes; a little under, because the SDK rounds the expiry up
    /// to whole seconds from its own clock reading.
    /// </summary>
    private static readonly TimeSpan MaxUrlLifetime = TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(5);

    private readonly S3BlobOptions _options;
    private readonly AmazonS3Client _client;
    private readonly AmazonS3Client _signer;
    private readonly SemaphoreSlim _bucketGate = new(1, 1);
    private volatile bool _bucketReady;

    public S3BlobStore(S3BlobOptions options)
    {
        _options = options;
        var config = new AmazonS3Config
        {
            ServiceURL = options.ServiceUrl,
            ForcePathStyle = options.ForcePathStyle,
            AuthenticationRegion = options.Region,
            // The SDK's default CRC trailers (aws-chunked uploads) are not understood by every
            // S3 gateway; checksums only where S3 requires them.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        _client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
        // Signing makes no request: a client for the public address only signs URLs for it.
        _signer = string.IsNullOrEmpty(options.PublicUrl)
            ? _client
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), new AmazonS3Config
            {
                ServiceURL = options.PublicUrl,
                ForcePathStyle = options.ForcePathStyle,
                AuthenticationRegion = options.Region,
            });
    }

    /// <summary>Creates the bucket when configured to and it is missing. Idempotent; puts call it first.</summary>
    public async Task EnsureBucketAsync(CancellationToken ct)
    {
        if (_bucketReady || !_options.CreateBucket)
        {
            return;
        }

        await _bucketGate.WaitAsync(ct);
        try
        {
            if (_bucketReady)
            {
                return;
            }

            try
            {
                await _client.PutBucketAsync(new PutBucketRequest { BucketName = _options.Bucket }, ct);
            }
            catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
            {
                // Someone (another node, an operator) made it first.
            }

            _bucketReady = true;
        }
        finally
        {
            _bucketGate.Release();
        }
    }

    public async Task PutAsync(string key, Stream content, string contentType, CancellationToken ct)
    {
        await EnsureBucketAsync(ct);
        await _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = BlobKeys.Check(key),
            InputStream = content,
            ContentType = contentType,
            AutoCloseStream = false,
            // A plain PUT with Content-Length: the stream is a file or memory, so its length is known.
            UseChunkEncoding = false,
        }, ct);
    }

    public async Task<BlobContent?> OpenReadAsync(string key, long offset, long? length, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var request = new GetObjectRequest { BucketName = _options.Bucket, Key = BlobKeys.Check(key) };
        if (offset > 0 || length is not null)
        {
            request.ByteRange = length is { } wanted
                ? new ByteRange(offset, offset + Math.Max(wanted, 1) - 1)
                : new ByteRange($"bytes={offset.ToString(CultureInfo.InvariantCulture)}-");
        }

        try
        {
            var response = await _client.GetObjectAsync(request, ct);
            return new BlobContent(response.ResponseStream, TotalLengthOf(response));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // Past the end: nothing to read, but the blob exists; report its size.
            var head = await _client.GetObjectMetadataAsync(_options.Bucket, key, ct);
            return new BlobContent(Stream.Null, head.ContentLength);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        // S3 answers 204 for a missing key too.
        await _client.DeleteObjectAsync(_options.Bucket, BlobKeys.Check(key), ct);
    }

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix };
        while (true)
        {
            var response = await _client.ListObjectsV2Async(request, ct);
            foreach (var item in response.S3Objects ?? [])
            {
                yield return item.Key;
            }

            if (response.IsTruncated != true)
            {
                yield break;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }
    }

    public async Task<Uri?> GetDownloadUrlAsync(string key, TimeSpan lifetime, string contentType, string contentDisposition, CancellationToken ct)
    {
        if (!_options.PresignedDownloads)
        {
            return null;
        }

        var request = new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = BlobKeys.Check(key),
            Verb = HttpVerb.GET,
            Expires = DateTime.UtcNow + (lifetime > MaxUrlLifetime ? MaxUrlLifetime : lifetime),
            Protocol = PublicOrigin.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTP : Protocol.HTTPS,
        };
        request.ResponseHeaderOverrides.ContentType = contentType;
        request.ResponseHeaderOverrides.ContentDisposition = contentDisposition;
        return new Uri(await _signer.GetPreSignedURLAsync(request));
    }

    private string PublicOrigin => string.IsNullOrEmpty(_options.PublicUrl) ? _options.ServiceUrl : _options.PublicUrl;

    public void Dispose()
    {
        if (!ReferenceEquals(_signer, _client))
        {
            _signer.Dispose();
        }

        _client.Dispose();
        _bucketGate.Dispose();
    }

    /// <summary>The whole object's size: from Content-Range ("bytes 0-9/100") on a ranged read.</summary>
    private static long TotalLengthOf(GetObjectResponse response)
    {
        var range = response.ContentRange;
        if (!string.IsNullOrEmpty(range))
        {
            var slash = range.LastIndexOf('/');
            if (slash >= 0 && long.TryParse(range.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var total))
            {
                return total;
            }
        }

        return response.ContentLength;
    }
}
