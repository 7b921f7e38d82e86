using PetitChat.Core.E2ee;
using PetitChat.Core.Files;
using PetitChat.Core.Signals;
using PetitChat.Server.Files;

namespace PetitChat.Server.Signals;

/// <summary>
/// A signal on the wire. <c>attachmentIds</c> is always there; <c>attachments</c> holds the
/// files' metadata and URLs where the server looked them up for the caller (timeline pages and
/// the send response), and is empty in live events and chat summaries, whose clients fetch
/// <c>GET /api/v1/files/{id}</c> or the timeline. A deleted file drops out of <c>attachments</c>.
/// </summary>
public sealed record SignalDto(
    Guid Id,
    Guid ChatId,
    SignalKind Kind,
    Guid SenderId,
    string? Text,
    string? ClientId,
    DateTimeOffset CreatedAt,
    Guid? MemberId,
    string? CallUrl,
    IReadOnlyList<ReactionCountDto> Reactions,
    IReadOnlyList<Guid> AttachmentIds,
    IReadOnlyList<AttachmentDto> Attachments)
{
    /// <summary>The call of a <c>call_started</c> / <c>call_ended</c> signal written by a call (docs/calls.md).</summary>
    public Guid? CallId { get; init; }

    /// <summary>On <c>call_ended</c>: audio or video.</summary>
    public PetitChat.Core.Calls.CallMedia? Media { get; init; }

    /// <summary>On <c>call_ended</c>: from the start to the end, in whole seconds.</summary>
    public int? DurationSeconds { get; init; }

    /// <summary>On <c>call_ended</c>: everyone who joined, the starter included.</summary>
    public IReadOnlyList<Guid>? ParticipantIds { get; init; }

    /// <summary>On <c>call_ended</c>: nobody but the starter joined.</summary>
    public bool? Missed { get; init; }
    public DateTimeOffset? EditedAt { get; init; }

    /// <summary>Set on a tombstone, whose text is null and which has no attachments or reactions.</summary>
    public DateTimeOffset? DeletedAt { get; init; }

    public Guid? ReplyToId { get; init; }

    /// <summary>The answered signal as it is now: <c>{ id, senderId, text (first 200 characters), deleted }</c>.</summary>
    public SignalQuote? ReplyTo { get; init; }

    public IReadOnlyList<Guid> Mentions { get; init; } = [];

    /// <summary>On <c>chat_renamed</c> signals.</summary>
    public string? OldName { get; init; }

    public string? NewName { get; init; }

    /// <summary>On a thread reply: its root. Such a signal is not in the main timeline.</summary>
    public Guid? ThreadId { get; init; }

    /// <summary>On a thread's root: <c>{ replyCount, lastReplyAt, participantIds }</c>; null before the first reply.</summary>
    public PetitChat.Core.Threads.ThreadSummary? Thread { get; init; }

    public static SignalDto From(SignalView view) => From(view.Signal, view.MyReactions);

    public static SignalDto From(Signal signal, IReadOnlySet<string>? mine = null) => From(signal, mine, null, ImageSettings.Default);

    /// <summary>With the attachments found in <paramref name="files"/>, in the order they were sent.</summary>
    public static SignalDto From(Signal signal, IReadOnlySet<string>? mine, IReadOnlyDictionary<Guid, StoredFile>? files, ImageSettings settings)
    {
        var reactions = new ReactionCountDto[signal.Reactions.Count];
        for (var i = 0; i < reactions.Length; i++)
        {
            var count = signal.Reactions[i];
            reactions[i] = new ReactionCountDto(count.Emoji, count.Count, mine?.Contains(count.Emoji) == true);
        }

        var attachments = new List<AttachmentDto>(files is null ? 0 : signal.AttachmentIds.Count);
        if (files is not null)
        {
            foreach (var id in signal.AttachmentIds)
            {
                if (files.TryGetValue(id, out var file))
                {
                    attachments.Add(AttachmentDto.From(file, settings));
                }
            }
        }

        return new SignalDto(signal.Id, signal.ChatId, signal.Kind, signal.SenderId, signal.Text, signal.ClientId,
            signal.CreatedAt, signal.MemberId, signal.CallUrl, reactions, signal.AttachmentIds, attachments)
        {
            CallId = signal.Call?.CallId,
            Media = signal.Call?.Media,
            DurationSeconds = signal.Call?.DurationSeconds,
            ParticipantIds = signal.Call is { DurationSeconds: not null } ended ? ended.ParticipantIds : null,
            Missed = signal.Call is { DurationSeconds: not null } done ? done.Missed : null,
            Encrypted = signal.Encrypted,
            EditedAt = signal.EditedAt,
            DeletedAt = signal.DeletedAt,
            ReplyToId = signal.ReplyToId,
            ReplyTo = signal.ReplyTo,
            Mentions = signal.Mentions,
            OldName = signal.OldName,
            NewName = signal.NewName,
            ThreadId = signal.ThreadId,
            Thread = signal.Thread,
        };
    }

    /// <summary>The sealed message of an encrypted chat (docs/e2ee.md); absent elsewhere.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public EncryptedPayload? Encrypted { get; init; }
}
