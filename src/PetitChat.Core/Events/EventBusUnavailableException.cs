namespace PetitChat.Core.Events;

/// <summary>
/// The bus could not take an event (its engine is unreachable or did not acknowledge). The write
/// that caused the event is already committed; the caller is told that live delivery failed.
/// </summary>
public sealed class EventBusUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
