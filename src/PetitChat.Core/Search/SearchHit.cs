namespace PetitChat.Core.Search;

/// <summary>
/// One match: the signal to jump to (<c>around=</c> in the timeline) and a short snippet of its
/// text with the matched words between <see cref="SearchHighlight.Start"/> and <see cref="SearchHighlight.End"/>.
/// </summary>
public sealed record SearchHit(Guid SignalId, Guid ChatId, Guid SenderId, DateTimeOffset CreatedAt, string Snippet)
{
    /// <summary>Set on a thread reply: the root whose thread to open (filled from the store, not the index).</summary>
    public Guid? ThreadId { get; init; }
}
