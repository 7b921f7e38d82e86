namespace PetitChat.Core.Files;

/// <summary>
/// A user's image settings: whether the client loads images without a click, and whether it
/// loads the low-quality preview instead of the full image.
/// </summary>
public sealed record ImageSettings(bool AutoLoadImages, bool LowQualityImages)
{
    public static ImageSettings Default { get; } = new(AutoLoadImages: true, LowQualityImages: false);
}
