namespace PetitChat.Core.Presence;

/// <summary>
/// A user whose Microsoft 365 presence is synced, by the email/UPN from their token; with
/// <see cref="WriteBack"/>, their Petit chat status is also written to Microsoft 365.
/// </summary>
public sealed record Microsoft365Link(Guid UserId, string Upn, bool WriteBack);
