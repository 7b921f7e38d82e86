namespace PetitChat.Core.Events;

/// <summary>A signal became a tombstone at <paramref name="DeletedAt"/>.</summary>
public sealed record SignalDeleted(Guid ChatId, Guid SignalId, DateTimeOffset DeletedAt) : ChatEvent(ChatId);
