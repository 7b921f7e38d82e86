using PetitChat.Core.Events;

namespace PetitChat.Core.E2ee;

/// <summary>A to-device message for one of the recipient's devices, also kept until acknowledged.</summary>
public sealed record DeviceMessageSent(DeviceMessage Message) : LiveEvent;
