namespace PetitChat.Core.Events;

/// <summary>
/// An event as a subscriber receives it, with the id it can resume after; <paramref name="Id"/>
/// is null for an ephemeral event, which cannot be resumed from.
/// </summary>
public sealed record DeliveredEvent(string? Id, LiveEvent Event);
