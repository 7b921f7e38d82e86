namespace PetitChat.Core.E2ee;

/// <summary>Limits of end-to-end encryption; configuration section <c>E2ee</c>.</summary>
public sealed record E2eeLimits
{
    public const string Section = "E2ee";

    public static E2eeLimits Default { get; } = new();

    public int MaxDevicesPerUser { get; init; } = 20;

    public int MaxDeviceIdLength { get; init; } = 64;

    public int MaxDeviceNameLength { get; init; } = 100;

    /// <summary>Characters of an encrypted message's <c>ciphertext</c> (base64url): room for the longest text and the attachments' keys.</summary>
    public int MaxCiphertextLength { get; init; } = 64 * 1024;

    /// <summary>Messages in one <c>POST /api/v1/devices/messages</c>: a share to every device of a full group.</summary>
    public int MaxMessagesPerRequest { get; init; } = 500;

    /// <summary>Characters of one to-device message's content (JSON).</summary>
    public int MaxMessageContentLength { get; init; } = 8 * 1024;

    public int MaxMessageTypeLength { get; init; } = 64;

    /// <summary>Unacknowledged messages one device keeps; beyond it, its oldest are dropped to make room (docs/e2ee.md).</summary>
    public int MaxPendingPerDevice { get; init; } = 1000;

    /// <summary>Chats scanned for the partners told about a device change.</summary>
    public int MaxChatsNotified { get; init; } = 1000;
}
