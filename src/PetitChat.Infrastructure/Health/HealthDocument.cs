namespace PetitChat.Infrastructure.Health;

/// <summary>What <c>/healthz</c> and <c>/readyz</c> answer: the overall status and each check's (no exception details).</summary>
public sealed record HealthDocument(string Status, IReadOnlyDictionary<string, HealthEntry> Checks);
