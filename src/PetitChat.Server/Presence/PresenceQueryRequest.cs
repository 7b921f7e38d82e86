namespace PetitChat.Server.Presence;

/// <summary>The body of <c>POST /api/v1/presence/query</c>.</summary>
public sealed record PresenceQueryRequest(IReadOnlyList<Guid>? UserIds);
