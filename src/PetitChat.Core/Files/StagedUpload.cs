namespace PetitChat.Core.Files;

/// <summary>
/// An upload already streamed to a temporary file by the endpoint, hashed on the way:
/// <paramref name="Head"/> is its first bytes (for sniffing), <paramref name="Name"/> the name
/// the client gave, unsanitised. The endpoint deletes the temporary file afterwards.
/// </summary>
public sealed record StagedUpload(string Path, long Size, string Sha256, byte[] Head, string? Name);
