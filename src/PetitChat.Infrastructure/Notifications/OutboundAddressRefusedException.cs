namespace PetitChat.Infrastructure.Notifications;

/// <summary>A notification was meant for an address the outbound policy refuses (loopback, private, link-local...).</summary>
public sealed class OutboundAddressRefusedException(string message) : Exception(message);
