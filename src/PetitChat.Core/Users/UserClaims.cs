namespace PetitChat.Core.Users;

/// <summary>What a validated token (or the identity provider's directory) says about a user; refreshes the stored profile.</summary>
public sealed record UserClaims(string Subject, string Username, string DisplayName, IReadOnlyList<string> Roles, string? Email = null);
