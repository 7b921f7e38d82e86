using PetitChat.Core.E2ee;
using PetitChat.Core.Signals;

namespace PetitChat.Server.Signals;

/// <summary><c>kind</c> defaults to <c>message</c>.</summary>
public sealed record SendSignalRequest(SignalKind? Kind, string? Text, string? ClientId, string? CallUrl, IReadOnlyList<Guid>? AttachmentIds)
{
    /// <summary>The sealed message, instead of text, in an encrypted chat (docs/e2ee.md).</summary>
    public EncryptedPayload? Encrypted { get; init; }
    /// <summary>A signal of the same chat that this message answers.</summary>
    public Guid? ReplyToId { get; init; }

    /// <summary>A root message of the same chat: the message is a reply in its thread, outside the main timeline.</summary>
    public Guid? ThreadId { get; init; }
}
