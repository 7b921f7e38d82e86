namespace PetitChat.Core.Signals;

/// <summary><paramref name="Created"/> is false when a signal with the same client id already existed.</summary>
public sealed record AppendResult(Signal Signal, bool Created);
