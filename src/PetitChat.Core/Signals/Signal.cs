using PetitChat.Core.Calls;
using PetitChat.Core.E2ee;
using PetitChat.Core.Reactions;
using PetitChat.Core.Threads;

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
    /// <summary>The sealed message of an encrypted chat (docs/e2ee.md), stored in the same write; then <see cref="Text"/> is null.</summary>
    public EncryptedPayload? Encrypted { get; init; }
    /// <summary>When the sender last changed the text; null when never edited.</summary>
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>
    /// Set on a tombstone: the signal keeps its place (id, sender, time) and has no text,
    /// mentions, attachments or reactions any more.
    /// </summary>
    public DateTimeOffset? DeletedAt { get; init; }

    /// <summary>The signal of the same chat this one answers (stored with the signal).</summary>
    public Guid? ReplyToId { get; init; }

    /// <summary>
    /// What <see cref="ReplyToId"/> looks like now: filled by the service when it reads or sends,
    /// never stored, so an edit or delete of the original shows in every reply.
    /// </summary>
    public SignalQuote? ReplyTo { get; init; }

    /// <summary>Members named with <c>@username</c> (everyone but the sender for <c>@all</c> in a group), parsed by the server.</summary>
    public IReadOnlyList<Guid> Mentions { get; init; } = [];

    /// <summary>On a <see cref="SignalKind.ChatRenamed"/> signal: the group's name before and after.</summary>
    public string? OldName { get; init; }

    /// <inheritdoc cref="OldName"/>
    public string? NewName { get; init; }

    /// <summary>
    /// The root message this signal replies to in a thread: then it is not in the chat's main
    /// timeline (nor its unread count, last signal or activity), only in the thread's pages.
    /// </summary>
    public Guid? ThreadId { get; init; }

    /// <summary>On a thread's root: its replies' count, newest time and participants (null before the first reply).</summary>
    public ThreadSummary? Thread { get; init; }
}
