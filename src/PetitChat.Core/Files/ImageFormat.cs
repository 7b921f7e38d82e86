namespace PetitChat.Core.Files;

/// <summary>The image formats the server decodes; anything else is a plain file.</summary>
public enum ImageFormat
{
    Jpeg,
    Png,
    Gif,
    Webp,
}
