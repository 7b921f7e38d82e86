namespace PetitChat.Core.Presence;

/// <summary>A status as a user asks for it (<c>PUT /api/v1/me/status</c>), validated by <see cref="PresenceService.SetStatusAsync"/>.</summary>
public sealed record StatusRequest(string? Emoji, string? Text, DateTimeOffset? ExpiresAt, Availability Availability);
