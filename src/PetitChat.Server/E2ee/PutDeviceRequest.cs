namespace PetitChat.Server.E2ee;

public sealed record PutDeviceRequest(string? Name, JwkDto? IdentityKey, JwkDto? AgreementKey, string? Signature);
