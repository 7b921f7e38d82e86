namespace PetitChat.Server.E2ee;

/// <summary>The live event <c>devices</c>: refetch this user's devices.</summary>
public sealed record DevicesEventDto(Guid UserId);
