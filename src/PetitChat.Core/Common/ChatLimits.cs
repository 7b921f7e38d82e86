namespace PetitChat.Core.Common;

/// <summary>Limits on what users send; configuration section <c>Limits</c>.</summary>
public sealed record ChatLimits
{
    public static ChatLimits Default { get; } = new();

    public int MaxTextLength { get; init; } = 4000;

    public int MaxGroupMembers { get; init; } = 100;

    public int MaxGroupNameLength { get; init; } = 100;

    public int MaxClientIdLength { get; init; } = 100;

    public int MaxCallUrlLength { get; init; } = 2048;

    public int DefaultPageSize { get; init; } = 50;

    public int MaxPageSize { get; init; } = 100;

    /// <summary>Distinct emojis one user may put on one signal, so reaction rows stay bounded.</summary>
    public int MaxReactionsPerUser { get; init; } = 20;

    /// <summary>Bytes in one uploaded file; a larger upload gets 413 and leaves nothing behind.</summary>
    public long MaxFileSize { get; init; } = 25L * 1024 * 1024;

    /// <summary>Files attached to one message.</summary>
    public int MaxAttachmentsPerMessage { get; init; } = 10;

    /// <summary>Width x height above which an upload is not decoded as an image (decompression bombs).</summary>
    public long MaxImagePixels { get; init; } = 40_000_000;

    /// <summary>How long a direct download URL from the blob store stays valid (at most 5 minutes).</summary>
    public TimeSpan DownloadUrlLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Characters in a search query; a longer one is refused rather than cut.</summary>
    public int MaxSearchQueryLength { get; init; } = 500;

    /// <summary>Matches one search can page through (Meilisearch's default <c>maxTotalHits</c>).</summary>
    public int MaxSearchHits { get; init; } = 1000;
}
