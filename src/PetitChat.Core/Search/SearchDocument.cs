using PetitChat.Core.Signals;

namespace PetitChat.Core.Search;

/// <summary>What the index keeps of one message with text or attachments.</summary>
public sealed record SearchDocument(Guid SignalId, Guid ChatId, Guid SenderId, string Text, DateTimeOffset CreatedAt)
{
    /// <summary>The message has attachments (<c>has:file</c>); a property so that adding it changed no caller.</summary>
    public bool HasFile { get; init; }

    /// <summary>The message's attachments, whose names the indexer adds to <see cref="Text"/> when it can read them.</summary>
    public IReadOnlyList<Guid> AttachmentIds { get; init; } = [];

    /// <summary>
    /// Whether the index keeps a document of this signal: a message with text, or with attachments
    /// only (found by <c>has:file</c>, with an empty text). End-to-end encrypted signals never: the
    /// server knows nothing of them to find. Stores write a search job on send when this holds.
    /// </summary>
    public static bool Indexes(Signal signal) =>
        signal.Encrypted is null && (!string.IsNullOrWhiteSpace(signal.Text) || signal.AttachmentIds.Count > 0);

    /// <summary>
    /// The document of a signal, or null when the signal has nothing to find (see <see cref="Indexes"/>).
    /// The highlight markers are taken out of the text so that a marker in a snippet is always one
    /// the index put there.
    /// </summary>
    public static SearchDocument? From(Signal signal) =>
        !Indexes(signal)
            ? null
            : new SearchDocument(signal.Id, signal.ChatId, signal.SenderId, SearchHighlight.Strip(signal.Text ?? ""), signal.CreatedAt)
            {
                HasFile = signal.AttachmentIds.Count > 0,
                AttachmentIds = signal.AttachmentIds,
            };
}
