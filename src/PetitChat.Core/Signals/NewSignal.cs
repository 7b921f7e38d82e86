namespace PetitChat.Core.Signals;

/// <summary>What a member sends: a message, or a call starting or ending.</summary>
public sealed record NewSignal(SignalKind Kind, string? Text, string? ClientId, string? CallUrl);
