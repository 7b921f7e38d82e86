namespace PetitChat.Core.Users;

/// <summary>What a validated token says about its bearer; refreshes the stored profile.</summary>
public sealed record UserClaims(string Subject, string Username, string DisplayName, IReadOnlyList<string> Roles);
