using PetitChat.Server.Signals;

namespace PetitChat.Server.Threads;

/// <summary>
/// A thread page: the root and replies oldest first; <c>nextCursor</c> goes back as <c>after=</c>
/// (newer replies), <c>previousCursor</c> as <c>before=</c> (older ones).
/// </summary>
public sealed record ThreadDto(SignalDto Root, IReadOnlyList<SignalDto> Items, string? NextCursor, string? PreviousCursor);
