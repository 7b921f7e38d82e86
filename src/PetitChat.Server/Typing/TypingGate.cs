using PetitChat.Core.Chats;
using PetitChat.Core.Events;

namespace PetitChat.Server.Typing;

/// <summary>
/// One open stream's filter of <c>typing</c> events: at most one per user and chat every
/// <see cref="TypingOptions.Throttle"/> reaches the client. <see cref="TypingService"/> throttles the
/// calls that land on its own node; a user whose calls land on two nodes (no sticky gateway, a
/// reconnect) would otherwise show up twice as often (docs/decisions/0022). Events are compared by their <c>until</c>,
/// which the sending node sets, so two events of one node that its throttle let through are never
/// dropped here, however late the bus delivers them. Not thread-safe: one stream's loop uses it.
/// </summary>
public sealed class TypingGate(TypingOptions options)
{
    /// <summary>Typists remembered per stream; past it, those whose throttle has run out are forgotten.</summary>
    private const int MaxTracked = 256;

    // Made at the first typing event: most streams never see one, and each idle stream counts (#18's 15 KB).
    private Dictionary<(Guid Chat, Guid User), DateTimeOffset>? _shown;

    /// <summary>Whether the event goes to the client: anything but typing, or typing past the throttle.</summary>
    public bool Admits(LiveEvent liveEvent)
    {
        if (liveEvent is not TypingStarted typing)
        {
            return true;
        }

        var shown = _shown ??= [];
        var key = (typing.ChatId, typing.UserId);
        if (shown.TryGetValue(key, out var shownUntil) && typing.Until - shownUntil < options.Throttle)
        {
            return false;
        }

        if (shown.Count >= MaxTracked)
        {
            Forget(shown, typing.Until);
        }

        shown[key] = typing.Until;
        return true;
    }

    private void Forget(Dictionary<(Guid Chat, Guid User), DateTimeOffset> shown, DateTimeOffset latest)
    {
        foreach (var (key, until) in shown)
        {
            if (latest - until >= options.Throttle)
            {
                shown.Remove(key);
            }
        }

        // Every entry still throttling: the oldest state goes rather than memory growing.
        if (shown.Count >= MaxTracked)
        {
            shown.Clear();
        }
    }
}
