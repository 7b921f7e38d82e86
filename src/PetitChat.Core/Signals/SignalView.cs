namespace PetitChat.Core.Signals;

/// <summary>A signal as one user sees it: with the emojis they reacted with.</summary>
public sealed record SignalView(Signal Signal, IReadOnlySet<string> MyReactions);
