namespace PetitChat.Core.Events;

/// <summary>An event as a subscriber receives it, with the id it can resume after (null for an ephemeral event).</summary>
public sealed record DeliveredEvent(string? Id, LiveEvent Event);
