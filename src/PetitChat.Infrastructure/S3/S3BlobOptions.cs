namespace PetitChat.Infrastructure.S3;

/// <summary>
/// An S3 endpoint (SeaweedFS's S3 gateway, MinIO, Amazon S3...), bound from <c>Blobs:S3</c>.
/// Path-style addressing by default, because SeaweedFS and most self-hosted gateways do not
/// serve bucket subdomains.
/// </summary>
public sealed record S3BlobOptions
{
    public const string Section = "Blobs:S3";

    public static S3BlobOptions Default { get; } = new();

    /// <summary>The endpoint, such as <c>http://seaweedfs-s3:8333</c>.</summary>
    public string ServiceUrl { get; init; } = "";

    public string Bucket { get; init; } = "petitchat";

    public string AccessKey { get; init; } = "";

    public string SecretKey { get; init; } = "";

    /// <summary>The region signatures are made for; SeaweedFS accepts any.</summary>
    public string Region { get; init; } = "us-east-1";

    public bool ForcePathStyle { get; init; } = true;

    /// <summary>Create the bucket at start-up when it does not exist.</summary>
    public bool CreateBucket { get; init; } = true;

    /// <summary>
    /// Answer downloads with a redirect to a presigned GET URL (at most 5 minutes) instead of
    /// streaming through the server. Clients must reach <see cref="ServiceUrl"/> for it.
    /// </summary>
    public bool PresignedDownloads { get; init; }

    /// <summary>
    /// The address clients reach the S3 endpoint at, when it is not <see cref="ServiceUrl"/>: the
    /// gateway's public origin (such as <c>https://chat.example.org</c>), which routes presigned
    /// bucket paths to the S3 gateway with the Host header it was given, so the signature (made
    /// for this host) holds. Empty: presigned URLs name <see cref="ServiceUrl"/>.
    /// </summary>
    public string PublicUrl { get; init; } = "";
}
