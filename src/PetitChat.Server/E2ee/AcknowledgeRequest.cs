namespace PetitChat.Server.E2ee;

public sealed record AcknowledgeRequest(IReadOnlyList<Guid>? Ids);
