using PetitChat.Core.Calls;
using PetitChat.Core.Reactions;

namespace PetitChat.Core.Signals;

/// <summary>
/// One entry of a chat's timeline. Ids are UUIDv7 assigned by the server, so they sort by
/// creation time. <see cref="MemberId"/> names who joined or left for membership signals;
/// <see cref="CallUrl"/> is set on call signals. <see cref="Reactions"/> are the counts kept
/// on the signal, changed atomically with the reaction rows, one per emoji in the order each emoji
/// was first used among the current reactions (ties by emoji text), so chips keep their place.
/// <see cref="AttachmentIds"/> are files of the same chat, uploaded by the sender, in the order
/// sent; a property rather than a constructor parameter so that adding it changed no caller.
/// </summary>
public sealed record Signal(
    Guid Id,
    Guid ChatId,
    SignalKind Kind,
    Guid SenderId,
    string? Text,
    string? ClientId,
    DateTimeOffset CreatedAt,
    Guid? MemberId,
    string? CallUrl,
    IReadOnlyList<ReactionCount> Reactions)
{
    /// <summary>Stored with the signal, in the same write; empty for signals without attachments.</summary>
    public IReadOnlyList<Guid> AttachmentIds { get; init; } = [];

    /// <summary>On <c>call_started</c> and <c>call_ended</c> signals written by a call: which call and how it went.</summary>
    public SignalCall? Call { get; init; }
}
