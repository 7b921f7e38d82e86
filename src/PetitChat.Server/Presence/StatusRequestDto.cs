using PetitChat.Core.Presence;

namespace PetitChat.Server.Presence;

/// <summary>The body of <c>PUT /api/v1/me/status</c>.</summary>
public sealed record StatusRequestDto(string? Emoji, string? Text, DateTimeOffset? ExpiresAt, Availability? Availability);
