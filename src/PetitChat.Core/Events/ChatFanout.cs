using PetitChat.Core.Storage;

namespace PetitChat.Core.Events;

/// <summary>
/// Publishes a chat's events to its current members. Recipients are resolved at publish time,
/// so a member removed a moment ago gets nothing more from the chat, on any node.
/// </summary>
public sealed class ChatFanout(IChatStore store, IEventBus bus)
{
    public async Task PublishAsync(ChatEvent chatEvent, CancellationToken ct, params IReadOnlyCollection<Guid> alsoTo)
    {
        var members = await store.GetMembersAsync(chatEvent.ChatId, ct);
        var recipients = new HashSet<Guid>(members.Count + alsoTo.Count);
        foreach (var member in members)
        {
            recipients.Add(member.UserId);
        }

        recipients.UnionWith(alsoTo);
        if (recipients.Count > 0)
        {
            await bus.PublishAsync(chatEvent, recipients, ct);
        }
    }

    /// <summary>Publishes to exactly these users, members or not.</summary>
    public Task PublishToAsync(LiveEvent liveEvent, IReadOnlyCollection<Guid> recipients, CancellationToken ct) =>
        bus.PublishAsync(liveEvent, recipients, ct);
}
