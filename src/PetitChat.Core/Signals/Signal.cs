using PetitChat.Core.Reactions;

namespace PetitChat.Core.Signals;

/// <summary>
/// One entry of a chat's timeline. Ids are UUIDv7 assigned by the server, so they sort by
/// creation time. <see cref="MemberId"/> names who joined or left for membership signals;
/// <see cref="CallUrl"/> is set on call signals. <see cref="Reactions"/> are the counts kept
/// on the signal, changed atomically with the reaction rows, one per emoji in the order each emoji
/// was first used among the current reactions (ties by emoji text), so chips keep their place.
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
    IReadOnlyList<ReactionCount> Reactions);
