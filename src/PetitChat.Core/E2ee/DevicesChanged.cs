using PetitChat.Core.Events;

namespace PetitChat.Core.E2ee;

/// <summary>A user's device list changed: clients refetch it, warn, and start new chains.</summary>
public sealed record DevicesChanged(Guid UserId) : LiveEvent;
