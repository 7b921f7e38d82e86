namespace PetitChat.Core.Files;

/// <summary>
/// The blob-store port: bytes under a key, a local folder on a laptop, any S3 endpoint
/// (SeaweedFS) in production. Every adapter passes the same contract suite
/// (tests/PetitChat.Contracts.Tests/Files). Keys are made by the server (never from user
/// input): lowercase letters, digits, '-', '.', and '/' between segments.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Stores <paramref name="content"/> (read to its end, never buffered whole) under
    /// <paramref name="key"/>, replacing what was there. A reader sees the old bytes or the new
    /// ones, never a mix. Idempotent: the server only writes the same bytes again under one key.
    /// </summary>
    Task PutAsync(string key, Stream content, string contentType, CancellationToken ct);

    /// <summary>
    /// The bytes under <paramref name="key"/> from <paramref name="offset"/>, at most
    /// <paramref name="length"/> of them (all the rest when null), or null when there is no such
    /// blob. The caller disposes the returned stream.
    /// </summary>
    Task<BlobContent?> OpenReadAsync(string key, long offset, long? length, CancellationToken ct);

    /// <summary>Removes the blob; removing a missing one is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct);

    /// <summary>The keys that start with <paramref name="prefix"/>, in no particular order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken ct);

    /// <summary>
    /// A URL from which a client can GET the blob directly for at most <paramref name="lifetime"/>,
    /// answered with <paramref name="contentType"/> and <paramref name="contentDisposition"/>;
    /// null when this store cannot hand out such URLs (the server then streams the bytes itself).
    /// </summary>
    Task<Uri?> GetDownloadUrlAsync(string key, TimeSpan lifetime, string contentType, string contentDisposition, CancellationToken ct);
}
