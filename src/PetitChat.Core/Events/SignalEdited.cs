using PetitChat.Core.Signals;

namespace PetitChat.Core.Events;

/// <summary>A message's text changed: <paramref name="Signal"/> is the signal after the edit.</summary>
public sealed record SignalEdited(Signal Signal) : ChatEvent(Signal.ChatId);
