namespace PetitChat.Core.Files;

/// <summary>
/// An open read of a blob: <see cref="Content"/> holds the requested bytes (from the requested
/// offset), <see cref="TotalLength"/> is the size of the whole blob.
/// </summary>
public sealed record BlobContent(Stream Content, long TotalLength) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
