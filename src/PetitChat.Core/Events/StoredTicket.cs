namespace PetitChat.Core.Events;

/// <summary>What a stream ticket stands for: a user, until <paramref name="ExpiresAt"/>, with a token valid until <paramref name="TokenExpiresAt"/>.</summary>
public sealed record StoredTicket(Guid UserId, DateTimeOffset ExpiresAt, DateTimeOffset? TokenExpiresAt);
