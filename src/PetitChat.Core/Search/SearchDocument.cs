using PetitChat.Core.Signals;

namespace PetitChat.Core.Search;

/// <summary>What the index keeps of one signal with text.</summary>
public sealed record SearchDocument(Guid SignalId, Guid ChatId, Guid SenderId, string Text, DateTimeOffset CreatedAt)
{
    /// <summary>The message has attachments (<c>has:file</c>); a property so that adding it changed no caller.</summary>
    public bool HasFile { get; init; }

    /// <summary>
    /// The document of a signal, or null when the signal has nothing to find (no text). The
    /// highlight markers are taken out of the text so that a marker in a snippet is always one
    /// the index put there.
    /// </summary>
    public static SearchDocument? From(Signal signal) =>
        string.IsNullOrWhiteSpace(signal.Text)
            ? null
            : new SearchDocument(signal.Id, signal.ChatId, signal.SenderId, SearchHighlight.Strip(signal.Text), signal.CreatedAt)
            {
                HasFile = signal.AttachmentIds.Count > 0,
            };
}
