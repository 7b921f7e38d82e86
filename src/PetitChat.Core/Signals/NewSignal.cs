using PetitChat.Core.E2ee;

namespace PetitChat.Core.Signals;

/// <summary>What a member sends: a message, or a call starting or ending.</summary>
public sealed record NewSignal(SignalKind Kind, string? Text, string? ClientId, string? CallUrl)
{
    /// <summary>Files to attach (messages only): uploaded by the sender to the same chat.</summary>
    public IReadOnlyList<Guid> AttachmentIds { get; init; } = [];

    /// <summary>The sealed message, instead of text, in an encrypted chat.</summary>
    public EncryptedPayload? Encrypted { get; init; }
    /// <summary>A signal of the same chat that this message answers.</summary>
    public Guid? ReplyToId { get; init; }

    /// <summary>A root message of the same chat: the message is a reply in its thread.</summary>
    public Guid? ThreadId { get; init; }
}
