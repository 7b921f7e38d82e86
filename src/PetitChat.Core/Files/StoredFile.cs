namespace PetitChat.Core.Files;

/// <summary>
/// A file of a chat: per-chat metadata over a shared blob. <see cref="Name"/> is the uploader's
/// name, sanitised and only ever shown, never used as a path. <see cref="Sha256"/> is the hash
/// of the uploaded bytes, the blob's address.
/// </summary>
public sealed record StoredFile(
    Guid Id,
    Guid ChatId,
    Guid UploaderId,
    string Name,
    string Sha256,
    DateTimeOffset CreatedAt,
    string BlobKey,
    BlobDescription Blob);
