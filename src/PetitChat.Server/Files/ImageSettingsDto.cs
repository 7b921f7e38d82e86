using PetitChat.Core.Files;

namespace PetitChat.Server.Files;

/// <summary>The caller's image settings; PUT replaces both (a missing field is a 400).</summary>
public sealed record ImageSettingsDto(bool? AutoLoadImages, bool? LowQualityImages)
{
    public static ImageSettingsDto From(ImageSettings settings) => new(settings.AutoLoadImages, settings.LowQualityImages);
}
