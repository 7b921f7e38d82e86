using PetitChat.Core.Calls;

namespace PetitChat.Server.Calls;

/// <summary>The <c>call</c> live event.</summary>
public sealed record CallEventDto(CallDto Call, CallAction Action, Guid UserId);
