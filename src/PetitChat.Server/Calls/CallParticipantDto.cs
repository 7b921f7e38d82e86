namespace PetitChat.Server.Calls;

/// <summary>A participant of a call: first join, and when they left (null while in).</summary>
public sealed record CallParticipantDto(Guid UserId, DateTimeOffset JoinedAt, DateTimeOffset? LeftAt);
