using System.Text.RegularExpressions;

namespace PetitChat.Core.Files;

/// <summary>Object names of a blob generation: its bytes, its thumbnail and its preview.</summary>
public static partial class BlobKeys
{
    public const string ContentPrefix = "blobs/";
    public const string ThumbnailPrefix = "thumbnails/";
    public const string PreviewPrefix = "previews/";

    /// <summary>A new generation's key for the bytes with <paramref name="sha256"/> (lowercase hex).</summary>
    public static string NewKey(string sha256) => $"{sha256}-{Guid.NewGuid():N}";

    public static string Content(string key) => ContentPrefix + key;

    public static string Thumbnail(string key) => ThumbnailPrefix + key + ".webp";

    public static string Preview(string key) => PreviewPrefix + key + ".webp";

    /// <summary>
    /// The key rule of <see cref="IBlobStore"/>, enforced by adapters so that a key can never climb
    /// out of its folder or bucket prefix, even if a caller passed one through from outside.
    /// </summary>
    public static string Check(string key) =>
        key.Length <= 512 && Pattern().IsMatch(key) && !key.Contains("..", StringComparison.Ordinal)
            ? key
            : throw new ArgumentException($"'{key}' is not a blob key: lowercase letters, digits, '-', '.' and '/' between segments.", nameof(key));

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*(/[a-z0-9][a-z0-9.-]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
