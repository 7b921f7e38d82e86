namespace PetitChat.Core.Events;

/// <summary>A live event about one chat.</summary>
public abstract record ChatEvent(Guid ChatId) : LiveEvent;
