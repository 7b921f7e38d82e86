namespace PetitChat.Core.Signals;

/// <summary>
/// The signal a reply answers, as it is now: <paramref name="Text"/> is its first
/// <see cref="MaxLength"/> characters, null once it is deleted.
/// </summary>
public sealed record SignalQuote(Guid Id, Guid SenderId, string? Text, bool Deleted)
{
    public const int MaxLength = 200;

    public static SignalQuote Of(Signal original) => new(
        original.Id,
        original.SenderId,
        original.DeletedAt is null && original.Text is { } text ? Cut(text) : null,
        original.DeletedAt is not null);

    private static string Cut(string text)
    {
        if (text.Length <= MaxLength)
        {
            return text;
        }

        // Never split a surrogate pair: an emoji at the cut would become invalid text.
        var length = char.IsHighSurrogate(text[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
        return text[..length];
    }
}
