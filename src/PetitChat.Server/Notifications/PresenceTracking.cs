using System.Runtime.CompilerServices;
using PetitChat.Core.Events;
using PetitChat.Core.Presence;

namespace PetitChat.Server.Notifications;

public static class PresenceTracking
{
    /// <summary>
    /// The stream, with the user marked connected (on every node, through <see cref="PresenceService"/>)
    /// from its start until it ends, so that their messages are not pushed to them meanwhile and
    /// their chat partners see them online.
    /// </summary>
    public static async IAsyncEnumerable<DeliveredEvent> WhileConnected(
        this IAsyncEnumerable<DeliveredEvent> events, PresenceService presence, Guid userId, [EnumeratorCancellation] CancellationToken ct = default)
    {
        await using var lease = await presence.ConnectAsync(userId, ct);
        await foreach (var delivered in events.WithCancellation(ct))
        {
            yield return delivered;
        }
    }
}
