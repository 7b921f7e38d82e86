namespace PetitChat.Core.Events;

/// <summary>
/// The stream cannot resume from the id the client gave (older than the retention window, or
/// from before a restart of an in-process bus): the client must refetch its state, then go on
/// from this event's id.
/// </summary>
public sealed record StreamReset : LiveEvent;
