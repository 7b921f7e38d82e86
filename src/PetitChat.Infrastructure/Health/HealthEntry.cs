namespace PetitChat.Infrastructure.Health;

/// <summary>One check in a <see cref="HealthDocument"/>: its status and, when it fails, why.</summary>
public sealed record HealthEntry(string Status, string? Description);
