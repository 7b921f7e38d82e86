namespace PetitChat.Core.Signals;

/// <summary>
/// Fills <see cref="Signal.ReplyTo"/> from the originals as they are now, so an edit or delete of
/// an original shows in every reply that quotes it.
/// </summary>
public static class Quotes
{
    public static async Task<Signal> FillAsync(ISignalStore timeline, Guid chatId, Signal signal, CancellationToken ct) =>
        (await FillAsync(timeline, chatId, [signal], ct))[0];

    /// <summary>The signals in the same order, each reply with its quote; originals in the list itself are not read again.</summary>
    public static async Task<IReadOnlyList<Signal>> FillAsync(ISignalStore timeline, Guid chatId, IReadOnlyList<Signal> signals, CancellationToken ct)
    {
        Dictionary<Guid, Signal?>? originals = null;
        HashSet<Guid>? missing = null;
        foreach (var signal in signals)
        {
            if (signal.ReplyToId is { } id)
            {
                originals ??= signals.ToDictionary(s => s.Id, s => (Signal?)s);
                if (!originals.ContainsKey(id))
                {
                    (missing ??= []).Add(id);
                }
            }
        }

        if (originals is null)
        {
            return signals;
        }

        if (missing is not null)
        {
            // One read for every quoted original not on the page, not one per reply.
            foreach (var id in missing)
            {
                originals[id] = null;
            }

            foreach (var original in await timeline.GetSignalsByIdAsync(chatId, missing, ct))
            {
                originals[original.Id] = original;
            }
        }

        return [.. signals.Select(s => s.ReplyToId is { } id && originals[id] is { } original ? s with { ReplyTo = SignalQuote.Of(original) } : s)];
    }
}
