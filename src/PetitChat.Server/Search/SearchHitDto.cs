using PetitChat.Core.Search;

namespace PetitChat.Server.Search;

/// <summary>
/// One match. <see cref="Snippet"/> is a short extract of the text with each matched word
/// between U+E000 and U+E001 (<see cref="SearchHighlight"/>); <see cref="SignalId"/> goes to the
/// timeline as <c>around=</c>.
/// </summary>
public sealed record SearchHitDto(Guid SignalId, Guid ChatId, Guid SenderId, DateTimeOffset CreatedAt, string Snippet)
{
    public static SearchHitDto From(SearchHit hit) => new(hit.SignalId, hit.ChatId, hit.SenderId, hit.CreatedAt, hit.Snippet) { ThreadId = hit.ThreadId };

    /// <summary>Set when the match is a thread reply: the root, to open its thread rather than the timeline.</summary>
    public Guid? ThreadId { get; init; }
}
