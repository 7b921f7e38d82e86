namespace PetitChat.Core.Calls;

/// <summary>
/// A user in a call: <see cref="JoinedAt"/> is their first join, <see cref="LeftAt"/> is set
/// while they are out (a rejoin clears it), so each user appears once.
/// </summary>
public sealed record CallParticipant(Guid UserId, DateTimeOffset JoinedAt, DateTimeOffset? LeftAt);
