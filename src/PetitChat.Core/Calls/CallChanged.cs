using PetitChat.Core.Events;

namespace PetitChat.Core.Calls;

/// <summary>
/// The <c>call</c> live event: the call as it is after <see cref="Action"/>, and who did it
/// (<see cref="UserId"/>: who joined, left, ended or declined; the starter for started).
/// Durable like every event that follows a stored change.
/// </summary>
public sealed record CallChanged(Call Call, CallAction Action, Guid UserId) : ChatEvent(Call.ChatId);
