using PetitChat.Core.Signals;

namespace PetitChat.Core.Events;

/// <summary>A new signal: a message, a member joining or leaving, a call starting or ending.</summary>
public sealed record SignalCreated(Signal Signal) : ChatEvent(Signal.ChatId);
