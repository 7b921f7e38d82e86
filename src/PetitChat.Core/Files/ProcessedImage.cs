namespace PetitChat.Core.Files;

/// <summary>An upload that decoded as an image: its size, and WebP thumbnail and preview bytes.</summary>
public sealed record ProcessedImage(string ContentType, int Width, int Height, byte[] Thumbnail, byte[] Preview);
