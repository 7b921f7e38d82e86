namespace PetitChat.Infrastructure.LocalDisk;

/// <summary>The embedded blob store, bound from <c>Blobs:Local</c>.</summary>
public sealed record LocalBlobOptions
{
    public const string Section = "Blobs:Local";

    public static LocalBlobOptions Default { get; } = new();

    /// <summary>The folder of the blobs; a relative path is resolved against the host's content root.</summary>
    public string Path { get; init; } = "data/blobs";
}
