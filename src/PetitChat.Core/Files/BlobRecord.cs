namespace PetitChat.Core.Files;

/// <summary>
/// One stored blob, shared by every file with the same bytes. <see cref="Key"/> is the hash
/// plus a generation made when the record was created: when the last reference goes and the
/// same bytes are uploaded again, the new generation gets its own objects, so deleting the old
/// ones can never remove the new upload's bytes (see docs/decisions/0005-blob-generations.md).
/// The description (size, type, image facts) is set once the objects are written.
/// </summary>
public sealed record BlobRecord(string Sha256, string Key, int RefCount, bool Stored, BlobDescription? Description);
