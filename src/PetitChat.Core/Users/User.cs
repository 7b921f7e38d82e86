namespace PetitChat.Core.Users;

/// <summary>
/// A person known to Petit chat. <see cref="Subject"/> is the identity provider's
/// stable <c>sub</c>; users are keyed by it, never by username (usernames can change).
/// </summary>
public sealed record User(
    Guid Id,
    string Subject,
    string Username,
    string DisplayName,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    string? Email = null);
