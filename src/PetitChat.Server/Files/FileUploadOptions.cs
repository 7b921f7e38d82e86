namespace PetitChat.Server.Files;

/// <summary>Where uploads are staged while they stream in, bound from <c>Files</c>.</summary>
public sealed record FileUploadOptions
{
    public const string Section = "Files";

    /// <summary>A folder for uploads in flight (deleted when each upload ends); empty: the system's temp folder.</summary>
    public string TempPath { get; init; } = "";

    public string ResolvedTempPath => string.IsNullOrWhiteSpace(TempPath)
        ? Path.Combine(Path.GetTempPath(), "petitchat-uploads")
        : Path.GetFullPath(TempPath);
}
