namespace PetitChat.Core.Signals;

/// <summary>What a member sends: a message, or a call starting or ending.</summary>
public sealed record NewSignal(SignalKind Kind, string? Text, string? ClientId, string? CallUrl)
{
    /// <summary>Files to attach (messages only): uploaded by the sender to the same chat.</summary>
    public IReadOnlyList<Guid> AttachmentIds { get; init; } = [];

    /// <summary>A signal of the same chat that this message answers.</summary>
    public Guid? ReplyToId { get; init; }
}
