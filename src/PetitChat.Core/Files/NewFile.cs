namespace PetitChat.Core.Files;

/// <summary>The metadata row of an upload, written once its blob is stored.</summary>
public sealed record NewFile(Guid Id, Guid ChatId, Guid UploaderId, string Name, string Sha256, DateTimeOffset CreatedAt);
