namespace PetitChat.Core.Events;

/// <summary>Something a user's live stream carries.</summary>
public abstract record LiveEvent;
